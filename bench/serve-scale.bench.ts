// Scale from outside: 100 concurrent executions of a 1 s job ({"durationMs":1000}) started and
// watched through `npm start -- --serve` and the AWS SDK, as a user's script would: StartExecution
// for all at once, then every POLL_MS one ListExecutions of the running ones, and a
// DescribeExecution for each that has left it, until each has ended.
// Wall time from the first StartExecution sent until the client has seen the last end, next to the
// floor measured in the same run (the in-process ./scale.bench.ts's): 100 worker bundles started at
// once against a separate local endpoint until each has polled, plus the 1 s of work. Rounds
// interleave floor and system; each round's ratio is system / its floor, and the figure is their
// median. Where the time goes comes from each execution's history and ECS task (./serve-timeline.ts),
// and the CPU seconds of the runtime (with its ended children: workers, Lambda hosts) and of this
// process (the SDK clients). Peak memory comes from one more round, sampled and not timed.
import * as os from "os";
import { DescribeClustersCommand, ECSClient } from "@aws-sdk/client-ecs";
import {
    DescribeExecutionCommand,
    paginateListExecutions,
    SFNClient,
    StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { Measured, startManyWorkers } from "./floor-workers";
import { median, privateWorkerBundle, startFloorEndpoint, withTimeout } from "./orchestration.bench";
import { cpuSeconds, MemoryPeak, mib, sampleChildren } from "./process-sampling";
import { ServeProcess, startServe } from "./serve-process";
import { ClientView, describeParts, marksOf } from "./serve-timeline";
import type { BenchRow } from "./run";

const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 100);
const ROUNDS = Math.max(1, Math.min(5, Number(process.env.BENCH_SCALE_ROUNDS ?? 3)));
const JOB_MS = 1000;
const POLL_MS = 250;
const RUN_TIMEOUT_MS = 180_000;

interface Clients {
    sfn: SFNClient;
    ecs: ECSClient;
    stateMachineArn: string;
    cluster: string;
}

function clientsFor(env: Record<string, string>): Clients {
    // The SDK's Node 20 notice, once per process, would land in the benchmark's table.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    const common = {
        region: env.AWS_REGION,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    };
    return {
        sfn: new SFNClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_SFN }),
        ecs: new ECSClient({ ...common, endpoint: env.AWS_ENDPOINT_URL_ECS }),
        stateMachineArn: env.STATE_MACHINE_ARN,
        cluster: env.ECS_CLUSTER,
    };
}

/**
 * Until no task of the cluster is pending or running (the previous round's workers have exited), at
 * most 60 s; answers how many were still there then (a worker left polling could take a task of the
 * next round: the report says so).
 */
async function quiesce(c: Clients): Promise<number> {
    const deadline = Date.now() + 60_000;
    for (;;) {
        const cluster = (await c.ecs.send(new DescribeClustersCommand({ clusters: [c.cluster] }))).clusters?.[0];
        const left = (cluster?.runningTasksCount ?? 0) + (cluster?.pendingTasksCount ?? 0);
        if (left === 0 || Date.now() > deadline) return left;
        await new Promise(r => setTimeout(r, 200));
    }
}

/** The ARNs of the state machine's running executions, every page. */
async function runningExecutions(c: Clients): Promise<{ arns: Set<string>; requests: number }> {
    const arns = new Set<string>();
    let requests = 0;
    const pages = paginateListExecutions(
        { client: c.sfn, pageSize: 1000 },
        { stateMachineArn: c.stateMachineArn, statusFilter: "RUNNING" },
    );
    for await (const page of pages) {
        requests++;
        for (const execution of page.executions ?? []) arns.add(execution.executionArn!);
    }
    return { arns, requests };
}

/**
 * Starts `n` executions at once and watches them as a script watching many would: every POLL_MS one
 * ListExecutions of the running ones, and one DescribeExecution for each that has left that list
 * (its status). AWS's ListExecutions is eventually consistent
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html), so an
 * execution the list has dropped while DescribeExecution still says RUNNING stays watched. Every
 * one must succeed.
 */
async function startAndWatch(
    c: Clients,
    n: number,
    input: object,
): Promise<{ views: ClientView[]; polls: number; failed: string[] }> {
    let polls = 0;
    const failed: string[] = [];
    const views: ClientView[] = [];
    const open = new Map<string, number>(); // executionArn → when its StartExecution was sent
    let startsDone = false;
    const starts = Promise.all(
        Array.from({ length: n }, async () => {
            const sentAt = Date.now();
            const { executionArn } = await c.sfn.send(
                new StartExecutionCommand({ stateMachineArn: c.stateMachineArn, input: JSON.stringify(input) }),
            );
            open.set(executionArn!, sentAt);
        }),
    ).finally(() => (startsDone = true));
    const describe = async (executionArn: string) => {
        polls++;
        const d = await c.sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status === "RUNNING") return;
        if (d.status !== "SUCCEEDED") failed.push(`${d.status} ${d.error}: ${d.cause?.slice(0, 300)}`);
        views.push({ executionArn, sentAt: open.get(executionArn)!, observedAt: Date.now() });
        open.delete(executionArn);
    };
    const watch = async () => {
        while (!startsDone || open.size > 0) {
            await new Promise(r => setTimeout(r, POLL_MS));
            const running = await runningExecutions(c);
            polls += running.requests;
            await Promise.all([...open.keys()].filter(arn => !running.arns.has(arn)).map(describe));
        }
    };
    await withTimeout(Promise.all([starts, watch()]), RUN_TIMEOUT_MS, `${n} executions through --serve`);
    return { views, polls, failed };
}

interface SystemRun extends MemoryPeak {
    ms: number;
    polls: number;
    /** Executions that did not succeed: status, error and cause. */
    failed: string[];
    /** Tasks still running when the round began (see quiesce). */
    leftover: number;
    runtimeCpu: number;
    clientCpu: number;
    marks: Array<Record<string, number>>;
}

async function systemRound(c: Clients, serving: ServeProcess, sampleMemory: boolean): Promise<SystemRun> {
    const leftover = await quiesce(c);
    const pid = serving.runtimePid()!;
    const sampler = sampleChildren(sampleMemory);
    try {
        const runtime0 = cpuSeconds(pid);
        const client0 = process.cpuUsage();
        const t0 = Date.now();
        const { views, polls, failed } = await startAndWatch(c, CONCURRENCY, { durationMs: JOB_MS });
        const ms = Math.max(...views.map(v => v.observedAt)) - t0;
        const memory = await sampler.stop();
        const client = process.cpuUsage(client0);
        await quiesce(c); // the workers have exited and been reaped: their CPU time is counted
        const runtimeCpu = cpuSeconds(pid) - runtime0;
        const marks = await marksOf(c.sfn, c.ecs, c.cluster, views);
        return {
            ms,
            polls,
            failed,
            leftover,
            runtimeCpu,
            clientCpu: (client.user + client.system) / 1e6,
            marks,
            ...memory,
        };
    } finally {
        await sampler.stop();
    }
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const list = (xs: number[], unit: (x: number) => string = sec) => xs.map(unit).join(", ");

export async function run(): Promise<BenchRow[]> {
    const bundle = await privateWorkerBundle();
    const floor = await startFloorEndpoint(bundle.path, 20);
    let serving: ServeProcess | undefined;
    let clients: Clients | undefined;
    try {
        serving = await startServe([], { viaNpm: true });
        const c = (clients = clientsFor(serving.env));
        // Warm up: the trigger's first Lambda environment, the OS file cache.
        const warm = await startAndWatch(c, 1, { durationMs: 0 });
        if (warm.failed.length > 0) throw new Error(`the warm-up execution did not succeed: ${warm.failed[0]}`);
        const floors: Measured[] = [];
        const runs: SystemRun[] = [];
        for (let i = 0; i < ROUNDS; i++) {
            floors.push(await startManyWorkers(floor, CONCURRENCY, RUN_TIMEOUT_MS, { sampleMemory: false }));
            runs.push(await systemRound(c, serving, false));
        }
        // Memory comes from one more round, sampled and not timed.
        const sampled = await systemRound(c, serving, true);
        const targets = floors.map(f => f.ms + JOB_MS);
        const ratios = runs.map((r, i) => r.ms / targets[i]);
        const ratio = (x: number) => `${x.toFixed(2)}×`;
        const failures = [...runs, sampled].flatMap(r => r.failed);
        const cpu = (x: number) => `${x.toFixed(1)} s`;
        return [
            {
                name: `floor: ${CONCURRENCY} worker bundles started at once → each polled, + ${JOB_MS} ms`,
                value: sec(median(targets)),
                note: `rounds: ${list(targets)}`,
            },
            {
                name: `${CONCURRENCY} executions of ${JOB_MS} ms jobs through npm start --serve and the SDK`,
                value: `${ratio(median(ratios))} floor${failures.length > 0 ? `, ${failures.length} of ${(ROUNDS + 1) * CONCURRENCY} NOT SUCCEEDED` : ""}`,
                target: "≤ 1.2×",
                note:
                    (failures.length > 0 ? `first failure: ${failures[0]}; ` : "") +
                    `tasks still running from the round before: ${list(
                        runs.map(r => r.leftover),
                        String,
                    )}; ` +
                    `median of ${ROUNDS} interleaved rounds; per round ${list(ratios, ratio)} (wall ${list(runs.map(r => r.ms))} vs floor ${list(targets)}); ` +
                    `${list(
                        runs.map(r => r.polls),
                        String,
                    )} client requests (every ${POLL_MS} ms one ListExecutions of the running ones, then one DescribeExecution per ended execution); ` +
                    `CPU: runtime with its ended children ${list(
                        runs.map(r => r.runtimeCpu),
                        cpu,
                    )}, this process (the SDK clients) ${list(
                        runs.map(r => r.clientCpu),
                        cpu,
                    )}, on ${os.cpus().length} cores`,
            },
            {
                name: "  where the time goes (all executions of all rounds)",
                value: "",
                note: describeParts(runs.flatMap(r => r.marks)),
            },
            {
                name: "  peak memory: npm, the runtime and its children (sum, sampled)",
                value: `${mib(sampled.peakPssKiB)} PSS`,
                note: `${mib(sampled.peakKiB)} RSS summed; up to ${sampled.peakProcesses} processes at once; in one more round (${sec(sampled.ms)}) that is not timed: sampling takes CPU the timed rounds must not lose`,
            },
        ];
    } finally {
        clients?.sfn.destroy();
        clients?.ecs.destroy();
        await serving?.stop();
        await floor.close();
        bundle.remove();
    }
}
