// A 1,000-item inline Map over the product's step on one warm local dev stack: a state machine
// whose only state is a Map (MaxConcurrency absent: AWS, and so the local engine, runs at most 40
// iterations at once) over the dev program's own definition (the step block `run-ecs`: trigger
// Lambda → RunTask → worker process → activity task; its Catch and end states), each item a short
// job. Wall time from StartExecution to SUCCEEDED, next to a floor measured in the same run.
//
// The floor. The Map runs 40 iterations at once, so each of its 40 slots runs ceil(1000 / 40) = 25
// items one after the other, and every item starts a worker process of its own and does its job.
// One slot's item therefore costs at least what one worker costs to start while 39 others start
// beside it, plus the job: the floor is 25 × (the time to start 40 bare workers at once until each
// has polled, against a separate local endpoint + the job). It leaves out what the system adds on
// purpose (the trigger Lambda, RunTask, the Map's bookkeeping), and counts the whole 40-worker start
// for every wave although, once the waves drift apart, starts overlap less: a floor the system can
// approach but not beat by much.
//
// Also: every item's output is there (no iteration lost), the history stays under AWS's 25,000
// events, the most iterations open at once (from the history), and peak memory of this process
// (maxRSS: engine, endpoints, program) and of all its child processes (./process-sampling.ts).
import * as os from "os";
import { monitorEventLoopDelay } from "perf_hooks";
import type { LocalStack } from "../local/stack/local-stack";
import type { HistoryEvent } from "../local/sfn/engine";
import { HISTORY_EVENT_LIMIT } from "../local/sfn/engine/history-limit";
import { INLINE_MAP_MAX_CONCURRENCY } from "../local/sfn/engine/definition";
import { Measured, startManyWorkers } from "./floor-workers";
import {
    median,
    privateWorkerBundle,
    startBenchStack,
    startFloorEndpoint,
    warmUp,
    withTimeout,
} from "./orchestration.bench";
import { cpuSeconds, MemoryPeak, mib, sampleChildren } from "./process-sampling";
import type { BenchRow } from "./run";
import { quiesce } from "./scale.bench";

const ITEMS = Number(process.env.BENCH_MAP_ITEMS ?? 1000);
const ROUNDS = Math.max(1, Math.min(5, Number(process.env.BENCH_MAP_ROUNDS ?? 1)));
const JOB_MS = 100;
const RUN_TIMEOUT_MS = 30 * 60_000;

/** The dev program's definition as the item processor of a Map over `$.items`. */
function mapOverStep(stack: LocalStack): { definition: object; roleArn?: string } {
    const dev = stack.engine.describeStateMachine(stack.stateMachineArn);
    const step = JSON.parse(dev.definition);
    return {
        roleArn: dev.roleArn,
        definition: {
            Comment: `${ITEMS} items through the dev program's step`,
            StartAt: "each-item",
            States: {
                "each-item": {
                    Type: "Map",
                    ItemsPath: "$.items",
                    ItemSelector: { "echo.$": "$$.Map.Item.Value", durationMs: JOB_MS },
                    ItemProcessor: { StartAt: step.StartAt, States: step.States },
                    End: true,
                },
            },
        },
    };
}

function allEvents(stack: LocalStack, executionArn: string): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
        const page = stack.engine.getExecutionHistory(executionArn, { maxResults: 1000, nextToken });
        events.push(...page.events);
        nextToken = page.nextToken;
    } while (nextToken);
    return events;
}

interface MapRun extends MemoryPeak {
    ms: number;
    /** Set when the Map execution did not succeed: its status, error and cause. */
    failed?: string;
    cpu: number;
    /** CPU seconds of this process alone (engine, endpoints, metadata server). */
    selfCpu: number;
    /** This process's event loop delay (ms): median, 99th percentile, max. */
    loopDelay: [number, number, number];
    /** Tasks taken by a worker not named after its ECS task (its task metadata did not come in time). */
    unnamed: number;
    /** ActivityFailed events by error (Worker.Lost: a healer failed the task), each retried by the step's Retry. */
    failures: Record<string, number>;
    events: number;
    peakIterations: number;
    /** Median ms of each part of an item's iteration (see SEGMENTS). */
    segments: number[];
}

/** The parts of an iteration, each from one event to the next of its kind in the same iteration. */
const SEGMENTS: Array<[string, string, string]> = [
    ["whole iteration", "MapIterationStarted", "MapIterationSucceeded"],
    ["→ trigger scheduled", "MapIterationStarted", "LambdaFunctionScheduled"],
    // LambdaFunctionStarted is recorded with LambdaFunctionScheduled, as AWS does: the wait for one
    // of the function's local environments (16 at most) is inside the next part.
    [
        "trigger: scheduled → returned (a free Lambda environment, RunTask; it waits for RUNNING only with waitForRunning)",
        "LambdaFunctionScheduled",
        "LambdaFunctionSucceeded",
    ],
    ["→ activity scheduled", "LambdaFunctionSucceeded", "ActivityScheduled"],
    ["task waits for its worker", "ActivityScheduled", "ActivityStarted"],
    ["job, reported", "ActivityStarted", "ActivitySucceeded"],
    ["→ iteration ends", "ActivitySucceeded", "MapIterationSucceeded"],
];

/** Pairs each `from` event with the first later `to` event of the same frame, by previousEventId chain. */
function durations(events: HistoryEvent[], from: string, to: string): number[] {
    const byId = new Map(events.map(e => [e.id!, e]));
    const out: number[] = [];
    for (const e of events) {
        if (e.type !== to) continue;
        let p = byId.get(e.previousEventId!);
        while (p && p.type !== from) p = byId.get(p.previousEventId!);
        if (p) out.push(e.timestamp!.getTime() - p.timestamp!.getTime());
    }
    return out;
}

function countFailures(events: HistoryEvent[]): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const e of events) {
        const error = e.type === "ActivityFailed" ? (e.activityFailedEventDetails?.error ?? "none") : undefined;
        if (error) counts[error] = (counts[error] ?? 0) + 1;
    }
    return counts;
}

function peakOpen(events: HistoryEvent[]): number {
    let open = 0;
    let peak = 0;
    for (const e of events) {
        if (e.type === "MapIterationStarted") peak = Math.max(peak, ++open);
        if (e.type === "MapIterationSucceeded" || e.type === "MapIterationFailed") open--;
    }
    return peak;
}

async function runMap(stack: LocalStack, stateMachineArn: string): Promise<MapRun> {
    const items = Array.from({ length: ITEMS }, (_, i) => `item-${i}`);
    const sampler = sampleChildren();
    const loop = monitorEventLoopDelay({ resolution: 20 });
    try {
        const cpu0 = cpuSeconds();
        const self0 = process.cpuUsage();
        loop.enable();
        const t0 = Date.now();
        const { executionArn } = stack.engine.startExecution({ stateMachineArn, input: JSON.stringify({ items }) });
        const done = await withTimeout(stack.engine.waitForExecution(executionArn), RUN_TIMEOUT_MS, "the Map");
        const ms = Date.now() - t0;
        loop.disable();
        const self = process.cpuUsage(self0);
        const memory = await sampler.stop();
        // A failed Map is reported with its figures (the table's value says so), not thrown away.
        let failed: string | undefined;
        if (done.status !== "SUCCEEDED") failed = `${done.status} ${done.error ?? ""}: ${done.cause?.slice(0, 300)}`;
        else {
            const output = JSON.parse(done.output!);
            const lost = items.filter((item, i) => output[i]?.echo !== item);
            if (output.length !== ITEMS || lost.length > 0)
                throw new Error(`${lost.length} of ${ITEMS} items have no output (first: ${lost[0]})`);
        }
        const events = allEvents(stack, executionArn);
        if (events.length >= HISTORY_EVENT_LIMIT)
            throw new Error(`the history has ${events.length} events, AWS's limit is ${HISTORY_EVENT_LIMIT}`);
        return {
            ms,
            failed,
            cpu: cpuSeconds() - cpu0,
            selfCpu: (self.user + self.system) / 1e6,
            loopDelay: [loop.percentile(50), loop.percentile(99), loop.max].map(ns => ns / 1e6) as [
                number,
                number,
                number,
            ],
            failures: countFailures(events),
            unnamed: events.filter(
                e =>
                    /^ActivityStarted$/.test(e.type!) &&
                    !/^[0-9a-f]{32}$/.test(e.activityStartedEventDetails?.workerName ?? ""),
            ).length,
            events: events.length,
            peakIterations: peakOpen(events),
            segments: SEGMENTS.map(([, from, to]) => median(durations(events, from, to))),
            ...memory,
        };
    } finally {
        await sampler.stop();
    }
}

const sec = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const list = (xs: number[], unit: (x: number) => string = sec) => xs.map(unit).join(", ");

export async function run(): Promise<BenchRow[]> {
    const bundle = await privateWorkerBundle();
    const floor = await startFloorEndpoint(bundle.path, 20);
    let stack: LocalStack | undefined;
    try {
        stack = await startBenchStack(bundle.path);
        await warmUp(stack);
        const { stateMachineArn } = stack.engine.createStateMachine({ name: "map-bench", ...mapOverStep(stack) });

        const waves = Math.ceil(ITEMS / INLINE_MAP_MAX_CONCURRENCY);
        const floors: Measured[] = [];
        const runs: MapRun[] = [];
        // Floors before and after each run, once the stack is quiet (its workers and healers done).
        const sampleFloor = async () => {
            await quiesce(stack!);
            floors.push(await startManyWorkers(floor, INLINE_MAP_MAX_CONCURRENCY));
        };
        await sampleFloor();
        for (let i = 0; i < ROUNDS; i++) {
            await sampleFloor();
            runs.push(await runMap(stack, stateMachineArn));
            await sampleFloor();
        }
        const start = median(floors.map(f => f.ms));
        const target = waves * (start + JOB_MS);
        const wall = median(runs.map(r => r.ms));
        const peak = (key: keyof MemoryPeak) => Math.max(...runs.map(r => r[key]));
        return [
            {
                name: `floor: ${INLINE_MAP_MAX_CONCURRENCY} worker bundles started at once → each polled`,
                value: sec(start),
                note: `samples: ${list(floors.map(f => f.ms))}; × ${waves} waves of (start + ${JOB_MS} ms job) = ${sec(target)}`,
            },
            {
                name: `inline Map of ${ITEMS} items over the step, ${JOB_MS} ms jobs, every output checked`,
                value: `${(wall / target).toFixed(2)}× floor${runs.some(r => r.failed) ? ", FAILED" : ""}`,
                note:
                    runs.map(r => (r.failed ? `${r.failed}; ` : "")).join("") +
                    `wall ${sec(wall)} (rounds: ${list(runs.map(r => r.ms))}) vs floor ${sec(target)}; ` +
                    `medians per item: ${SEGMENTS.map(([what], i) => `${what} ${list(runs.map(r => r.segments[i]))}`).join("; ")}; ` +
                    `CPU (this process + ended children) ${list(
                        runs.map(r => r.cpu),
                        x => `${x.toFixed(0)} s`,
                    )} on ${os.cpus().length} cores`,
            },
            {
                name: "  history events; most iterations open at once in the history",
                value: `${Math.max(...runs.map(r => r.events))}; ${Math.max(...runs.map(r => r.peakIterations))}`,
                target: `< ${HISTORY_EVENT_LIMIT}; ≤ ${INLINE_MAP_MAX_CONCURRENCY}`,
                note: `the engine runs at most ${INLINE_MAP_MAX_CONCURRENCY} (tests/local/sfn/aws-quotas.test.ts); its history can show one more for a moment, as the interpreter forwards an iteration's last events after the next iteration has started`,
            },
            {
                name: "  this process: CPU, event loop delay (median, p99, max)",
                value: list(
                    runs.map(r => r.selfCpu),
                    x => `${x.toFixed(0)} s`,
                ),
                note: runs.map(r => r.loopDelay.map(x => `${x.toFixed(0)} ms`).join(", ")).join("; "),
            },
            {
                name: "  tasks failed (and retried); tasks taken by an unnamed worker",
                value: runs.map(r => `${JSON.stringify(r.failures)}; ${r.unnamed}`).join(" | "),
                note: "a worker whose task metadata does not come in time runs unnamed and cannot tag its ECS task, and a worker whose attempt's task another took polls on until its idle timeout; when either stops, the healer can read it as a container lost before taking a task and fail a task of its execution that waits (Worker.Lost): in a Map every iteration is in that one execution",
            },
            {
                name: "  peak memory: child processes (sum, sampled)",
                value: `${mib(peak("peakPssKiB"))} PSS`,
                note: `${mib(peak("peakKiB"))} RSS summed (shared pages counted per process); up to ${peak("peakProcesses")} child processes at once`,
            },
            {
                name: "  peak memory: this process (maxRSS)",
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
