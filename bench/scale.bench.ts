// Scale: 100 concurrent executions of 1 s jobs ({"durationMs":1000}) on one warm local dev stack,
// all of which must succeed; wall time from the first StartExecution to the last success, next to
// the floor measured in the same run: starting 100 worker bundles at once against a separate local
// endpoint until each has sent its first GetActivityTask, plus the 1 s of work. Rounds interleave
// floor and stack. Peak resident memory: this process's maxRSS, and the sum over its child
// processes (workers, Lambda hosts) sampled (./process-sampling.ts) in one more round of each,
// which is not timed: sampling takes CPU the timed rounds would lose. CPU seconds
// (this process and its ended children) say where the 2 cores went.
import * as os from "os";
import type { LocalStack } from "../local/stack/local-stack";
import { Measured, startManyWorkers } from "./floor-workers";
import {
    median,
    privateWorkerBundle,
    startBenchStack,
    startFloorEndpoint,
    warmUp,
    withTimeout,
} from "./orchestration.bench";
import { cpuSeconds, mib, SAMPLE_EVERY_MS, sampleChildren } from "./process-sampling";
import type { BenchRow } from "./run";

const CONCURRENCY = Number(process.env.BENCH_SCALE_CONCURRENCY ?? 100);
const ROUNDS = Math.max(1, Math.min(5, Number(process.env.BENCH_SCALE_ROUNDS ?? 3)));
const JOB_MS = 1000;
const RUN_TIMEOUT_MS = 180_000;

/** Every worker and subscribed function of earlier executions done, so rounds do not overlap. */
export async function quiesce(stack: LocalStack): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
        if (stack.ecs.tasks().every(t => t.lastStatus === "STOPPED") && stack.pendingSubscriptions() === 0) return;
        await new Promise(r => setTimeout(r, 100));
    }
    throw new Error("the stack did not quiesce within 60 s (tasks still running or subscribed functions pending)");
}

interface StackRun extends Measured {
    /** ms from the start until the last trigger Lambda succeeded / the last worker took its task. */
    lastTrigger: number;
    lastTaken: number;
}

async function concurrentExecutions(stack: LocalStack, n: number, sampleMemory: boolean): Promise<StackRun> {
    await quiesce(stack);
    const sampler = sampleChildren(sampleMemory);
    try {
        const cpu0 = cpuSeconds();
        const t0 = Date.now();
        const arns = Array.from(
            { length: n },
            () =>
                stack.engine.startExecution({
                    stateMachineArn: stack.stateMachineArn,
                    input: JSON.stringify({ durationMs: JOB_MS }),
                }).executionArn,
        );
        const results = await withTimeout(
            Promise.all(arns.map(arn => stack.engine.waitForExecution(arn))),
            RUN_TIMEOUT_MS,
            `${n} executions`,
        );
        const ms = Date.now() - t0;
        const bad = results.filter(r => r.status !== "SUCCEEDED");
        if (bad.length > 0)
            throw new Error(
                `${bad.length} of ${n} executions did not succeed; first: ${bad[0].status} ${bad[0].error ?? ""} ${bad[0].cause ?? ""}`,
            );
        const memory = await sampler.stop();
        await quiesce(stack); // the workers have exited and been reaped: their CPU time is counted
        const cpu = cpuSeconds() - cpu0;
        let lastTrigger = 0;
        let lastTaken = 0;
        for (const arn of arns) {
            for (const e of stack.engine.getExecutionHistory(arn, { maxResults: 1000 }).events) {
                const at = e.timestamp!.getTime() - t0;
                if (e.type === "LambdaFunctionSucceeded") lastTrigger = Math.max(lastTrigger, at);
                if (e.type === "ActivityStarted") lastTaken = Math.max(lastTaken, at);
            }
        }
        return { ms, cpu, lastTrigger, lastTaken, ...memory };
    } finally {
        await sampler.stop();
    }
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<BenchRow[]> {
    const bundle = await privateWorkerBundle();
    // Long polls: each floor worker sends exactly one GetActivityTask before it is killed.
    const floor = await startFloorEndpoint(bundle.path, 20);
    let stack: LocalStack | undefined;
    try {
        stack = await startBenchStack(bundle.path);
        await warmUp(stack);

        const floors: Measured[] = [];
        const runs: StackRun[] = [];
        for (let i = 0; i < ROUNDS; i++) {
            floors.push(await startManyWorkers(floor, CONCURRENCY, RUN_TIMEOUT_MS, { sampleMemory: false }));
            runs.push(await concurrentExecutions(stack, CONCURRENCY, false));
        }
        // Memory comes from one more round of each, sampled and not timed.
        const sampledFloor = await startManyWorkers(floor, CONCURRENCY, RUN_TIMEOUT_MS, { sampleMemory: true });
        const sampledRun = await concurrentExecutions(stack, CONCURRENCY, true);
        const start = median(floors.map(f => f.ms));
        const target = start + JOB_MS;
        const wall = median(runs.map(r => r.ms));
        const list = (xs: number[], unit: (x: number) => string = sec) => xs.map(unit).join(", ");
        const cpuOf = (x: number) => `${x.toFixed(1)} s`;
        return [
            {
                name: `floor: ${CONCURRENCY} worker bundles started at once → each polled`,
                value: sec(start),
                note: `rounds: ${list(floors.map(f => f.ms))}; + ${JOB_MS} ms of work = ${sec(target)}; CPU ${list(
                    floors.map(f => f.cpu),
                    cpuOf,
                )}; workers' peak RSS sum ${mib(sampledFloor.peakKiB)} (PSS ${mib(sampledFloor.peakPssKiB)}, in a round of its own)`,
            },
            {
                name: `${CONCURRENCY} concurrent executions of ${JOB_MS} ms jobs, all SUCCEEDED`,
                value: `${(wall / target).toFixed(2)}× floor`,
                target: "≤ 1.2×",
                note:
                    `wall ${sec(wall)} (rounds: ${list(runs.map(r => r.ms))}) vs floor ${sec(target)}; ${ROUNDS} round(s) interleaved with the floor; ` +
                    `last trigger Lambda done at ${list(runs.map(r => r.lastTrigger))}, last worker took its task at ${list(runs.map(r => r.lastTaken))}; ` +
                    `CPU (this process + ended children) ${list(
                        runs.map(r => r.cpu),
                        cpuOf,
                    )} on ${os.cpus().length} cores`,
            },
            {
                name: "peak memory: child processes (sum, sampled)",
                value: `${mib(sampledRun.peakKiB)} RSS`,
                note: `PSS ${mib(sampledRun.peakPssKiB)} (shared pages counted once); up to ${sampledRun.peakProcesses} child processes at once (workers, Lambda hosts); ps -o rss and /proc every ${SAMPLE_EVERY_MS} ms, in one more round of each (${sec(sampledRun.ms)}, floor ${sec(sampledFloor.ms)}) that is not timed: sampling takes CPU the timed rounds must not lose`,
            },
            {
                name: "peak memory: this process (maxRSS)",
                value: mib(process.resourceUsage().maxRSS),
                note: "the bench runner: engine, endpoints, the planned program (whole run so far)",
            },
        ];
    } finally {
        await stack?.close();
        await floor.close();
        bundle.remove();
    }
}
