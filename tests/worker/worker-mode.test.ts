// Which mode a call of runActivityWorker is and what each one reads (worker-mode.ts,
// environment-options.ts), and what the main program does to its process (main-mode.ts,
// process-handling.ts), against a stand-in process and a recorded run. The same programs as real
// processes are in main-program.test.ts.
import { strict as assert } from "assert";
import { EventEmitter } from "events";
import { optionsFromEnvironment } from "../../worker-image/lib/environment-options";
import { createLogger } from "../../worker-image/lib/log";
import { exitOnInvalidConfig } from "../../worker-image/lib/main-mode";
import type { MainProcess } from "../../worker-image/lib/process-handling";
import type { ActivityApi } from "../../worker-image/lib/sfn-api";
import type { ActivityWorkerOptions, WorkerOptions, WorkerRunResult } from "../../worker-image/lib/types";
import { runActivityWorker } from "../../worker-image/lib/worker";
import { runInItsMode, workerModeOf } from "../../worker-image/lib/worker-mode";

const ARN = "arn:aws:states:eu-west-1:123456789012:activity:my-activity";
const DONE: WorkerRunResult = { reason: "maxTasks", exitCode: 0, tasks: 1, unreported: 0 };
const handler = () => ({});

function capture() {
    const lines: any[] = [];
    return { lines, logger: createLogger({ write: l => lines.push(JSON.parse(l)), level: "debug" }) };
}

/** A stand-in for `process`: records listeners, exit codes and calls of exit(). */
function fakeProcess() {
    const events = new EventEmitter();
    const exits: number[] = [];
    const proc = Object.assign(events, {
        exitCode: undefined as number | undefined,
        exit: (c: number) => exits.push(c),
    });
    return { proc: proc as unknown as MainProcess & { exitCode?: number }, events, exits };
}

/** A run that records the options it was given and resolves with `result`. */
function recordedRun(result: Promise<WorkerRunResult> = Promise.resolve(DONE)) {
    const calls: WorkerOptions[] = [];
    return { calls, run: (options: WorkerOptions) => (calls.push(options), result) };
}

const delay = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

describe("worker modes: which one a call is", () => {
    it("an activityArn makes it given; a shutdownSignal alone, embedded; neither, the main program", () => {
        const signal = new AbortController().signal;
        assert.equal(workerModeOf({ activityArn: ARN }), "given");
        assert.equal(workerModeOf({ activityArn: ARN, shutdownSignal: signal }), "given");
        assert.equal(workerModeOf({ shutdownSignal: signal }), "embedded");
        assert.equal(workerModeOf({}), "main");
    });
});

describe("worker modes: options from the environment", () => {
    it("reads every variable, with the defaults of parseWorkerConfig", () => {
        const r = optionsFromEnvironment(
            { handler },
            {
                ACTIVITY_ARN: ARN,
                AWS_DEFAULT_REGION: "eu-west-1",
                WORKER_NAME: "w-1",
                MAX_TASKS: "3",
                IDLE_TIMEOUT_SECONDS: "7",
                HEARTBEAT_SECONDS: "30",
                LOG_LEVEL: "warn",
            },
        );
        assert.ok(r.ok);
        const { logger, ...rest } = r.value.options;
        assert.deepEqual(rest, {
            handler,
            activityArn: ARN,
            region: "eu-west-1",
            workerName: "w-1",
            maxTasks: 3,
            idleTimeoutSeconds: 7,
            heartbeatSeconds: 30,
        });
        assert.equal(r.value.logLevel, "warn");
        assert.equal(typeof logger?.info, "function");
        const defaults = optionsFromEnvironment({ handler }, { ACTIVITY_ARN: ARN });
        assert.ok(defaults.ok);
        assert.equal(defaults.value.options.maxTasks, 1);
        assert.equal(defaults.value.options.idleTimeoutSeconds, 300);
        assert.equal(defaults.value.options.heartbeatSeconds, undefined);
        assert.equal(defaults.value.options.region, "eu-west-1", "the ARN's region");
        assert.equal(defaults.value.logLevel, "info");
    });

    it("an option given in code wins, and the variable it replaces is not read at all", () => {
        const { logger } = capture();
        const given = { handler, region: "eu-west-1", workerName: "code", maxTasks: 2, idleTimeoutSeconds: 1 };
        const r = optionsFromEnvironment(
            { ...given, heartbeatSeconds: 9, logger },
            {
                ACTIVITY_ARN: ARN,
                AWS_REGION: "not a region",
                WORKER_NAME: "w".repeat(81),
                MAX_TASKS: "zero",
                IDLE_TIMEOUT_SECONDS: "-1",
                HEARTBEAT_SECONDS: "0",
                LOG_LEVEL: "loud",
            },
        );
        assert.ok(r.ok, JSON.stringify(r));
        assert.deepEqual(r.value.options, { ...given, activityArn: ARN, heartbeatSeconds: 9, logger });
    });

    it("a missing or malformed variable is the problem, named", () => {
        const missing = optionsFromEnvironment({ handler }, {});
        assert.ok(!missing.ok);
        assert.equal(missing.problem.variable, "ACTIVITY_ARN");
        const bad = optionsFromEnvironment({ handler }, { ACTIVITY_ARN: ARN, HEARTBEAT_SECONDS: "soon" });
        assert.ok(!bad.ok);
        assert.equal(bad.problem.variable, "HEARTBEAT_SECONDS");
    });
});

describe("worker modes: given (an activityArn)", () => {
    it("runs the options as they are: nothing read from the environment, no process handling", async () => {
        const { proc, events, exits } = fakeProcess();
        const { calls, run } = recordedRun();
        const options = { activityArn: ARN, handler, env: { ACTIVITY_ARN: "other", MAX_TASKS: "zero" } };
        assert.deepEqual(await runInItsMode(options, { run, process: proc, forceExitAfterMs: 1 }), DONE);
        assert.equal(calls[0], options, "the very options object");
        await delay(10);
        assert.deepEqual(events.eventNames(), []);
        assert.deepEqual(exits, []);
        assert.equal(proc.exitCode, undefined);
    });

    it("through the public runActivityWorker: no listener added to the real process, no exit code set", async () => {
        const before = ["SIGTERM", "SIGINT", "unhandledRejection", "uncaughtException"].map(e =>
            process.listenerCount(e),
        );
        const exitCode = process.exitCode;
        const api: ActivityApi = {
            getActivityTask: async () => ({ taskToken: "t1", input: "{}" }),
            sendTaskSuccess: async () => undefined,
            sendTaskFailure: async () => undefined,
            sendTaskHeartbeat: async () => undefined,
            destroy: () => undefined,
        };
        const withSeams = { activityArn: ARN, workerName: "w", api, logger: capture().logger, handler };
        const result = await runActivityWorker(withSeams as ActivityWorkerOptions);
        assert.deepEqual(result, DONE);
        const embedded = {
            shutdownSignal: new AbortController().signal,
            env: { ACTIVITY_ARN: ARN, WORKER_NAME: "w" },
            api,
            logger: capture().logger,
            handler,
        };
        assert.deepEqual(await runActivityWorker(embedded as ActivityWorkerOptions), DONE);
        await delay(10);
        assert.deepEqual(
            ["SIGTERM", "SIGINT", "unhandledRejection", "uncaughtException"].map(e => process.listenerCount(e)),
            before,
        );
        assert.equal(process.exitCode, exitCode);
    });
});

describe("worker modes: embedded (a shutdownSignal, no activityArn)", () => {
    it("completes the options from the environment and keeps the caller's signal; no process handling", async () => {
        const { proc, events, exits } = fakeProcess();
        const { calls, run } = recordedRun();
        const shutdownSignal = new AbortController().signal;
        const env = { ACTIVITY_ARN: ARN, HEARTBEAT_SECONDS: "12", MAX_TASKS: "4" };
        await runInItsMode({ handler, shutdownSignal, env }, { run, process: proc, forceExitAfterMs: 1 });
        assert.equal(calls[0].activityArn, ARN);
        assert.equal(calls[0].heartbeatSeconds, 12);
        assert.equal(calls[0].maxTasks, 4);
        assert.equal(calls[0].shutdownSignal, shutdownSignal);
        await delay(10);
        assert.deepEqual(events.eventNames(), []);
        assert.deepEqual(exits, []);
        assert.equal(proc.exitCode, undefined);
    });

    it("a bad variable rejects with Worker.InvalidConfig naming it, and nothing runs", async () => {
        const { proc, exits } = fakeProcess();
        const { calls, run } = recordedRun();
        const env = { ACTIVITY_ARN: ARN, MAX_TASKS: "zero" };
        await assert.rejects(
            runInItsMode({ handler, shutdownSignal: new AbortController().signal, env }, { run, process: proc }),
            (err: Error) => err.name === "Worker.InvalidConfig" && /^MAX_TASKS .*"zero"/.test(err.message),
        );
        assert.equal(calls.length, 0);
        assert.deepEqual(exits, []);
    });
});

describe("worker modes: the main program (neither)", () => {
    const env = { ACTIVITY_ARN: ARN, HEARTBEAT_SECONDS: "6", IDLE_TIMEOUT_SECONDS: "5" };

    it("reads the environment, installs the process handling, and sets the exit code once done", async () => {
        const { proc, events, exits } = fakeProcess();
        const { calls, run } = recordedRun(Promise.resolve({ ...DONE, reason: "interrupted", exitCode: 3 }));
        const { lines, logger } = capture();
        const result = await runInItsMode({ handler, env, logger }, { run, process: proc, forceExitAfterMs: 20 });
        assert.equal(result.exitCode, 3, "the promise resolves with the result");
        assert.equal(calls[0].heartbeatSeconds, 6);
        assert.equal(calls[0].idleTimeoutSeconds, 5);
        assert.ok(calls[0].shutdownSignal instanceof AbortSignal);
        assert.deepEqual(events.eventNames().sort(), ["SIGINT", "SIGTERM", "uncaughtException", "unhandledRejection"]);
        assert.equal(proc.exitCode, 3, "set before the promise resolved");
        assert.deepEqual(exits, [], "the process may still end by itself");
        await delay(60);
        assert.deepEqual(exits, [3], "forced after the grace");
        assert.equal(lines.find(l => l.event === "worker.forcedExit").exitCode, 3);
    });

    it("the first SIGTERM or SIGINT stops the worker gracefully; a second one is logged and ignored", async () => {
        const { proc, events, exits } = fakeProcess();
        let release!: (r: WorkerRunResult) => void;
        const { calls, run } = recordedRun(new Promise(resolve => (release = resolve)));
        const { lines, logger } = capture();
        const done = runInItsMode({ handler, env, logger }, { run, process: proc, forceExitAfterMs: 5 });
        const signal = calls[0].shutdownSignal!;
        assert.equal(signal.aborted, false);
        events.emit("SIGTERM", "SIGTERM");
        assert.equal(signal.aborted, true);
        assert.equal(signal.reason, "SIGTERM", "Worker.Interrupted's cause names the signal");
        events.emit("SIGINT", "SIGINT");
        assert.equal(lines.filter(l => l.event === "worker.signalIgnored").length, 1);
        assert.equal(lines.find(l => l.event === "worker.signalIgnored").signal, "SIGINT");
        assert.deepEqual(exits, []);
        release({ ...DONE, reason: "stopped" });
        assert.equal((await done).reason, "stopped");
        assert.equal(proc.exitCode, 0);
    });

    it("a stray rejection is logged and the worker carries on; an uncaught exception exits 1", async () => {
        const { proc, events, exits } = fakeProcess();
        const { run } = recordedRun(new Promise(() => undefined));
        const { lines, logger } = capture();
        void runInItsMode({ handler, env, logger }, { run, process: proc });
        events.emit("unhandledRejection", Object.assign(new Error("stray"), { name: "Job.Stray" }));
        assert.deepEqual(
            lines.filter(l => l.event === "worker.unhandledRejection").map(l => [l.error, l.message]),
            [["Job.Stray", "stray"]],
        );
        assert.deepEqual(exits, []);
        events.emit("uncaughtException", new TypeError("boom"));
        assert.deepEqual(exits, [1]);
        const crashed = lines.find(l => l.event === "worker.crashed");
        assert.equal(crashed.error, "TypeError");
        assert.match(crashed.stack, /boom/);
    });

    it("a worker that throws: worker.crashed and exit 1 at once", async () => {
        const { proc, exits } = fakeProcess();
        const { run } = recordedRun(Promise.reject(new RangeError("bug")));
        const { lines, logger } = capture();
        await assert.rejects(runInItsMode({ handler, env, logger }, { run, process: proc }), /bug/);
        assert.deepEqual(exits, [1]);
        assert.equal(lines.find(l => l.event === "worker.crashed").message, "bug");
    });

    it("a bad variable: one config.invalid line naming it, exit code 2, nothing run, no handlers", async () => {
        const { proc, events, exits } = fakeProcess();
        const { calls, run } = recordedRun();
        const { lines, logger } = capture();
        const result = await runInItsMode(
            { handler, env: { ACTIVITY_ARN: ARN, IDLE_TIMEOUT_SECONDS: "forever" }, logger },
            { run, process: proc, forceExitAfterMs: 1000 },
        );
        assert.deepEqual(result, { reason: "invalidConfig", exitCode: 2, tasks: 0, unreported: 0 });
        assert.equal(calls.length, 0);
        assert.deepEqual(events.eventNames(), []);
        assert.equal(proc.exitCode, 2);
        assert.deepEqual(exits, []);
        assert.equal(lines.length, 1);
        assert.equal(lines[0].event, "config.invalid");
        assert.equal(lines[0].level, "error");
        assert.equal(lines[0].variable, "IDLE_TIMEOUT_SECONDS");
        assert.match(lines[0].message, /^invalid configuration: IDLE_TIMEOUT_SECONDS .*"forever"/);
    });

    it("exitOnInvalidConfig (a main program's own variables) logs and exits the same way", async () => {
        const { proc, exits } = fakeProcess();
        const { lines, logger } = capture();
        const result = exitOnInvalidConfig({ variable: "JOB_X", message: "JOB_X is bad" }, logger, proc, 5);
        assert.equal(result.exitCode, 2);
        assert.equal(proc.exitCode, 2);
        assert.deepEqual(
            lines.map(l => [l.event, l.variable]),
            [["config.invalid", "JOB_X"]],
        );
        await delay(40);
        assert.deepEqual(exits, [2]);
    });
});
