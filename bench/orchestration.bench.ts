// Orchestration overhead: the wall time of a zero-length job ({"durationMs":0}) from StartExecution
// to success on one warm local stack (the dev stack: trigger Lambda → RunTask → worker process →
// GetActivityTask → SendTaskSuccess), next to the floor every execution pays: the worker bundle's
// time from process start to its first GetActivityTask, measured in the same run against a
// separate local endpoint. Rounds interleave one floor sample and one execution so machine drift
// hits both alike. Also exports the worker-start helpers the scale bench uses.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchWorkerEnv } from "./worker-env";
import { ActivityStore } from "../local/sfn/activity-store";
import { nodeProcessLauncher } from "../local/ecs/endpoint";
import { StepFunctionsEndpoint, startStepFunctionsEndpoint } from "../local/sfn/endpoint";
import { LocalStack, startLocalStack } from "../local/stack/local-stack";
import { ensureWorkerBundle } from "../scripts/build-worker";
import type { BenchRow } from "./run";

export const ROOT = path.resolve(__dirname, "..");
const ROUNDS = Math.max(20, Number(process.env.BENCH_ROUNDS ?? 25));
const EXECUTION_TIMEOUT_MS = 60_000;

export function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Nearest-rank percentile (p in 0..100). */
export function percentile(values: number[], p: number): number {
    const s = [...values].sort((a, b) => a - b);
    return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function exited(child: ChildProcess): Promise<void> {
    return new Promise(resolve =>
        child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
    );
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout;
    return Promise.race([
        promise,
        new Promise<T>(
            (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms)),
        ),
    ]).finally(() => clearTimeout(timer));
}

/**
 * The worker bundle (ensureWorkerBundle) copied to a private temporary folder, run by the floors and
 * by the stack alike: the same bytes, but not under worker-image/dist, whose command line the tests
 * of anyone working in this checkout at the same time look for when they check their workers ended.
 */
export async function privateWorkerBundle(): Promise<{ path: string; remove(): void }> {
    const source = (await ensureWorkerBundle()).outfile;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-worker-"));
    const file = path.join(dir, "bench-worker.js");
    fs.copyFileSync(source, file);
    return { path: file, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The dev stack on this machine, quiet, its containers running `bundle`. */
export function startBenchStack(bundle: string): Promise<LocalStack> {
    return startLocalStack({
        projectDir: ROOT,
        stack: "dev",
        launcher: nodeProcessLauncher(bundle),
        containerOutput: () => undefined,
        lambdaOutput: () => undefined,
        // Bounds how long closing waits for an open poll.
        maxPollSeconds: 5,
    });
}

/**
 * A standalone local Step Functions endpoint with one activity, and the environment a worker bundle
 * needs to poll it (the same as bench/worker-startup's: no ~/.aws, dummy credentials).
 */
/** One zero-length execution to its success: the trigger's first Lambda environment, the OS file cache. */
export async function warmUp(stack: LocalStack): Promise<void> {
    const warm = stack.engine.startExecution({
        stateMachineArn: stack.stateMachineArn,
        input: JSON.stringify({ durationMs: 0 }),
    }).executionArn;
    const done = await withTimeout(stack.engine.waitForExecution(warm), 60_000, "warm-up execution");
    if (done.status !== "SUCCEEDED")
        throw new Error(`warm-up execution ended ${done.status}: ${done.error} ${done.cause}`);
}

export interface FloorEndpoint {
    ep: StepFunctionsEndpoint;
    bundle: string;
    env: NodeJS.ProcessEnv;
    close(): Promise<void>;
}

export async function startFloorEndpoint(bundle: string, maxPollSeconds = 1): Promise<FloorEndpoint> {
    const store = new ActivityStore({ maxPollSeconds });
    const ep = await startStepFunctionsEndpoint({ store });
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-floor-"));
    const { activityArn } = store.createActivity("bench-floor");
    const env = benchWorkerEnv(activityArn, ep.url, dir, "bench-floor");
    return {
        ep,
        bundle,
        env,
        async close() {
            await ep.close();
            store.close();
            fs.rmSync(dir, { recursive: true, force: true });
        },
    };
}

/** Process start → the first GetActivityTask the endpoint receives; the worker is then killed. */
export async function firstPollMs(floor: FloorEndpoint, timeoutMs = 30_000): Promise<number> {
    const seen = floor.ep.requestsFor("GetActivityTask").length;
    const t0 = Date.now();
    const child = spawn(process.execPath, [floor.bundle], {
        env: floor.env,
        cwd: path.dirname(floor.bundle),
        stdio: "ignore",
    });
    try {
        const request = await floor.ep.waitForRequest("GetActivityTask", { count: seen + 1, timeoutMs });
        return request.time - t0;
    } finally {
        child.kill("SIGKILL");
        await exited(child);
    }
}

function fmt(x: number): string {
    return `${x.toFixed(0)} ms`;
}

/** Milliseconds between the first events of two types in one history. */
function between(events: Array<{ type?: string; timestamp?: Date }>, from: string, to: string): number | undefined {
    const a = events.find(e => e.type === from)?.timestamp?.getTime();
    const b = events.find(e => e.type === to)?.timestamp?.getTime();
    return a !== undefined && b !== undefined ? b - a : undefined;
}

export async function run(): Promise<BenchRow[]> {
    const bundle = await privateWorkerBundle();
    const floor = await startFloorEndpoint(bundle.path);
    let stack: LocalStack | undefined;
    try {
        stack = await startBenchStack(bundle.path);
        const local = stack;
        const once = async () => {
            const t0 = performance.now();
            const { executionArn } = local.engine.startExecution({
                stateMachineArn: local.stateMachineArn,
                input: JSON.stringify({ durationMs: 0 }),
            });
            const done = await withTimeout(
                local.engine.waitForExecution(executionArn),
                EXECUTION_TIMEOUT_MS,
                `execution ${executionArn}`,
            );
            const ms = performance.now() - t0;
            if (done.status !== "SUCCEEDED")
                throw new Error(
                    `execution ${executionArn} ended ${done.status}: ${done.error ?? ""} ${done.cause ?? ""}`,
                );
            // Milestones (epoch ms): the history, the task the trigger started, the worker's report.
            const events = local.engine.getExecutionHistory(executionArn, { maxResults: 1000 }).events;
            const at = (type: string) => events.find(e => e.type === type)?.timestamp?.getTime();
            const task = local.ecs
                .tasks()
                .find(t => t.tags?.some((tag: { key?: string; value?: string }) => tag.value === executionArn));
            return {
                ms,
                started: at("ExecutionStarted"),
                runTask: task?.createdAt as number | undefined,
                taken: at("ActivityStarted"),
                reported: local.sfn.requestsFor("SendTaskSuccess").at(-1)?.time,
                succeeded: at("ExecutionSucceeded"),
                trigger: between(events, "LambdaFunctionScheduled", "LambdaFunctionSucceeded"),
            };
        };
        // Warm up: the Lambda's first (cold) environment, the OS file cache for the bundle.
        await once();
        await firstPollMs(floor);

        const floors: number[] = [];
        const runs: number[] = [];
        const segments = {
            toRunTask: [] as number[],
            toTaken: [] as number[],
            toReported: [] as number[],
            toSucceeded: [] as number[],
            trigger: [] as number[],
        };
        const push = (xs: number[], a: number | undefined, b: number | undefined) =>
            void (a !== undefined && b !== undefined && xs.push(b - a));
        for (let i = 0; i < ROUNDS; i++) {
            floors.push(await firstPollMs(floor));
            const r = await once();
            runs.push(r.ms);
            push(segments.toRunTask, r.started, r.runTask);
            push(segments.toTaken, r.runTask, r.taken);
            push(segments.toReported, r.taken, r.reported);
            push(segments.toSucceeded, r.reported, r.succeeded);
            if (r.trigger !== undefined) segments.trigger.push(r.trigger);
        }
        const f = median(floors);
        const m = median(runs);
        const seg = (xs: number[]) => (xs.length > 0 ? fmt(median(xs)) : "n/a");
        return [
            {
                name: "floor: worker bundle start → first GetActivityTask",
                value: fmt(f),
                note: `median of ${floors.length}, min ${fmt(Math.min(...floors))}, max ${fmt(Math.max(...floors))}`,
            },
            {
                name: `StartExecution → SUCCEEDED, {"durationMs":0} (median of ${runs.length})`,
                value: `${(m / f).toFixed(2)}× floor`,
                target: "≤ 1.3×",
                note: `median ${fmt(m)}, p90 ${fmt(percentile(runs, 90))}, min ${fmt(Math.min(...runs))}, max ${fmt(Math.max(...runs))}; sequential on one warm dev stack; overhead over the floor ${fmt(m - f)}`,
            },
            {
                name: "  where the time goes (medians)",
                value: `${seg(segments.toRunTask)} + ${seg(segments.toTaken)} + ${seg(segments.toReported)} + ${seg(segments.toSucceeded)}`,
                note:
                    `ExecutionStarted → RunTask ${seg(segments.toRunTask)}; RunTask → the worker took the task ${seg(segments.toTaken)} (its start-up, with the container metadata lookup that names it); ` +
                    `task taken → SendTaskSuccess arrives ${seg(segments.toReported)} (the job, the task-taken tag (one signed ECS request), the report); ` +
                    `→ ExecutionSucceeded ${seg(segments.toSucceeded)}. The trigger Lambda (RunTask; it waits for RUNNING only with waitForRunning) takes ${seg(segments.trigger)}, overlapping the worker's start; ` +
                    `in ${segments.trigger.filter(t => t >= 200).length} of ${segments.trigger.length} runs it took ≥ 200 ms (its first DescribeTasks saw the task not yet RUNNING and it slept its first 250 ms poll interval): those are the slow runs (slowest ${fmt(Math.max(...runs))})`,
            },
        ];
    } finally {
        await stack?.close();
        await floor.close();
        bundle.remove();
    }
}
