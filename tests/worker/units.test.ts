// The worker's pure logic, without servers or processes.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import { activityNameProblem, parseActivityArn } from "../../worker-image/lib/activity-arn";
import { heartbeatIntervalMs, MAX_TIMER_MS, parseWorkerConfig } from "../../worker-image/lib/config";
import { errorName, namedError, WorkerErrorNames } from "../../worker-image/lib/errors";
import { EXECUTION_KEY, parseTaskInput } from "../../worker-image/lib/input";
import { createLogger, formatLogLine, tokenHash } from "../../worker-image/lib/log";
import { errorToFailure, REPORT_LIMITS, serializeOutput, truncate } from "../../worker-image/lib/report";
import { backoffDelayMs, classifyAwsError, retryAwsCall } from "../../worker-image/lib/retry";
import { ecsTaskIdFromArn } from "../../worker-image/lib/worker-name";
import { createExampleJob, parseJobConfig, validateJobInput } from "../../worker-image/job";

const ARN = "arn:aws:states:eu-west-1:123456789012:activity:my-activity";

function awsError(name: string, status?: number, fault?: "client" | "server"): Error {
    const e = namedError(name, `${name} happened`) as Error & { $metadata?: object; $fault?: string };
    e.$metadata = status === undefined ? {} : { httpStatusCode: status };
    if (fault) e.$fault = fault;
    return e;
}

describe("worker: configuration from the environment", () => {
    it("reads a full configuration with defaults", () => {
        const r = parseWorkerConfig({ ACTIVITY_ARN: ARN });
        assert.deepEqual(r, {
            ok: true,
            value: {
                activityArn: ARN,
                region: "eu-west-1",
                workerName: undefined,
                maxTasks: 1,
                idleTimeoutSeconds: 300,
                heartbeatSeconds: undefined,
                logLevel: "info",
            },
        });
        const full = parseWorkerConfig({
            ACTIVITY_ARN: ARN,
            AWS_REGION: "eu-west-1",
            WORKER_NAME: " w-1 ",
            MAX_TASKS: "5",
            IDLE_TIMEOUT_SECONDS: "0.5",
            HEARTBEAT_SECONDS: "30",
            LOG_LEVEL: "DEBUG",
        });
        assert.ok(full.ok);
        assert.deepEqual(full.value, {
            activityArn: ARN,
            region: "eu-west-1",
            workerName: "w-1",
            maxTasks: 5,
            idleTimeoutSeconds: 0.5,
            heartbeatSeconds: 30,
            logLevel: "debug",
        });
    });

    const bad: Array<[Record<string, string>, string, RegExp]> = [
        [{}, "ACTIVITY_ARN", /is required/],
        [{ ACTIVITY_ARN: "   " }, "ACTIVITY_ARN", /is required/],
        [{ ACTIVITY_ARN: "arn:aws:lambda:eu-west-1:123456789012:function:f" }, "ACTIVITY_ARN", /not an activity ARN/],
        [
            { ACTIVITY_ARN: "arn:aws:states:eu-west-1:123456789012:activity:a:b" },
            "ACTIVITY_ARN",
            /must not contain ":"/,
        ],
        [{ ACTIVITY_ARN: ARN, AWS_REGION: "us-east-1" }, "AWS_REGION", /ACTIVITY_ARN is in eu-west-1/],
        [{ ACTIVITY_ARN: ARN, AWS_DEFAULT_REGION: "Europe" }, "AWS_DEFAULT_REGION", /not an AWS region/],
        [{ ACTIVITY_ARN: ARN, MAX_TASKS: "0" }, "MAX_TASKS", /whole number from 1/],
        [{ ACTIVITY_ARN: ARN, MAX_TASKS: "2.5" }, "MAX_TASKS", /whole number/],
        [{ ACTIVITY_ARN: ARN, MAX_TASKS: "1e3" }, "MAX_TASKS", /whole number/],
        [{ ACTIVITY_ARN: ARN, IDLE_TIMEOUT_SECONDS: "-1" }, "IDLE_TIMEOUT_SECONDS", /non-negative/],
        [{ ACTIVITY_ARN: ARN, IDLE_TIMEOUT_SECONDS: "five" }, "IDLE_TIMEOUT_SECONDS", /non-negative/],
        [{ ACTIVITY_ARN: ARN, HEARTBEAT_SECONDS: "0" }, "HEARTBEAT_SECONDS", /positive/],
        [{ ACTIVITY_ARN: ARN, WORKER_NAME: "w".repeat(81) }, "WORKER_NAME", /at most 80/],
        [{ ACTIVITY_ARN: ARN, LOG_LEVEL: "loud" }, "LOG_LEVEL", /one of debug/],
    ];
    for (const [env, variable, message] of bad) {
        it(`refuses ${JSON.stringify(env)} naming ${variable}`, () => {
            const r = parseWorkerConfig(env);
            assert.equal(r.ok, false);
            if (r.ok) return;
            assert.equal(r.problem.variable, variable);
            assert.ok(r.problem.message.startsWith(variable), r.problem.message);
            assert.match(r.problem.message, message);
        });
    }

    it("heartbeats every third of HEARTBEAT_SECONDS, never beyond Node's longest timer", () => {
        assert.equal(heartbeatIntervalMs(0.6), 200);
        assert.equal(heartbeatIntervalMs(30), 10_000);
        assert.equal(
            heartbeatIntervalMs(99_999_999),
            MAX_TIMER_MS,
            "AWS's default would overflow setTimeout (and fire after 1 ms)",
        );
        assert.equal(heartbeatIntervalMs(0.001), 1);
    });

    it("the example job's JOB_DURATION_MS: default 10000, whole milliseconds only", () => {
        assert.deepEqual(parseJobConfig({}), { ok: true, value: { defaultDurationMs: 10_000 } });
        assert.deepEqual(parseJobConfig({ JOB_DURATION_MS: "0" }), { ok: true, value: { defaultDurationMs: 0 } });
        const r = parseJobConfig({ JOB_DURATION_MS: "-3" });
        assert.ok(!r.ok && r.problem.variable === "JOB_DURATION_MS");
    });
});

describe("worker: activity names and ARNs", () => {
    it("accepts valid names and ARNs in every partition", () => {
        assert.equal(activityNameProblem("a"), undefined);
        assert.equal(activityNameProblem("x".repeat(80)), undefined);
        assert.ok(parseActivityArn("arn:aws-cn:states:cn-north-1:123456789012:activity:a-b_c.d").ok);
        assert.ok(parseActivityArn("arn:aws-us-gov:states:us-gov-west-1:123456789012:activity:a").ok);
    });
    it("refuses what AWS refuses", () => {
        for (const bad of ["", "x".repeat(81), "a b", "a\tb", "a/b", "a:b", "a$b", "a{b", "a~b", "a\u0001b", "a,b"]) {
            assert.ok(activityNameProblem(bad), `name ${JSON.stringify(bad)} should be refused`);
        }
        assert.ok(!parseActivityArn("arn:aws:states:us-east-1:12345:activity:a").ok, "short account");
        assert.ok(!parseActivityArn("arn:aws:states:useast1:123456789012:activity:a").ok, "bad region");
        assert.ok(!parseActivityArn("arn:aws:states:us-east-1:123456789012:stateMachine:a").ok, "not an activity");
    });
});

describe("worker: retry decisions", () => {
    it("classifies Step Functions errors", () => {
        for (const gone of ["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"])
            assert.equal(classifyAwsError(awsError(gone, 400, "client")), "taskGone");
        assert.equal(classifyAwsError(awsError("ThrottlingException", 400, "client")), "retry");
        assert.equal(classifyAwsError(awsError("SomethingNew", 429, "client")), "retry");
        assert.equal(classifyAwsError(awsError("SomethingNew", 500, "server")), "retry", "any 5xx by status");
        assert.equal(classifyAwsError(awsError("SomethingNew", 503, "server")), "retry");
        assert.equal(classifyAwsError(awsError("ActivityWorkerLimitExceeded", 400, "client")), "retry");
        assert.equal(classifyAwsError(awsError("InvalidOutput", 400, "client")), "fatal");
        assert.equal(classifyAwsError(awsError("AccessDeniedException", 400, "client")), "fatal");
        assert.equal(classifyAwsError(awsError("ActivityDoesNotExist", 400, "client")), "fatal");
        assert.equal(classifyAwsError(awsError("ValidationException", 400, "client")), "fatal");
    });
    it("retries a call refused for its signature's time once the clock offset was corrected, not before", () => {
        const skewed = awsError("InvalidSignatureException", 403, "client") as Error & { $metadata: any };
        assert.equal(classifyAwsError(skewed), "fatal", "no correction: signing again repeats it");
        skewed.$metadata.clockSkewCorrected = true;
        assert.equal(classifyAwsError(skewed), "retry");
    });
    it("retries network failures and timeouts, not deliberate aborts", () => {
        const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:9"), {
            code: "ECONNREFUSED",
            $metadata: {},
        });
        assert.equal(classifyAwsError(refused), "retry");
        assert.equal(classifyAwsError(namedError("TimeoutError", "no answer")), "retry");
        assert.equal(classifyAwsError(new Error("socket hang up")), "retry");
        assert.equal(classifyAwsError(namedError("AbortError", "aborted")), "fatal");
        assert.equal(classifyAwsError("a string"), "fatal");
    });
    it("backs off exponentially with full jitter, capped", () => {
        const policy = { baseDelayMs: 100, maxDelayMs: 1000 };
        assert.equal(
            backoffDelayMs(1, policy, () => 0.999999),
            99,
        );
        assert.equal(
            backoffDelayMs(2, policy, () => 0.999999),
            199,
        );
        assert.equal(
            backoffDelayMs(4, policy, () => 0.999999),
            799,
        );
        assert.equal(
            backoffDelayMs(5, policy, () => 0.999999),
            999,
        );
        assert.equal(
            backoffDelayMs(60, policy, () => 0.999999),
            999,
        );
        assert.equal(
            backoffDelayMs(3, policy, () => 0),
            0,
        );
        for (let i = 0; i < 200; i++) {
            const d = backoffDelayMs(3, policy);
            assert.ok(d >= 0 && d < 400);
        }
    });
    it("retryAwsCall: retries transient errors with injected sleeps, stops on task gone, gives up at the limit", async () => {
        const sleeps: number[] = [];
        const sleep = async (ms: number) => void sleeps.push(ms);
        const policy = { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 4 };
        let calls = 0;
        const ok = await retryAwsCall(
            async () => {
                if (++calls < 3) throw awsError("InternalFailure", 500, "server");
                return "done";
            },
            { policy, sleep, random: () => 0.5 },
        );
        assert.deepEqual(ok, { ok: true, value: "done", attempts: 3 });
        assert.deepEqual(sleeps, [50, 100]);

        calls = 0;
        const gone = await retryAwsCall(
            async () => {
                calls++;
                throw awsError("TaskTimedOut", 400, "client");
            },
            { policy, sleep },
        );
        assert.equal(calls, 1);
        assert.ok(!gone.ok && gone.kind === "taskGone");

        calls = 0;
        const exhausted = await retryAwsCall(
            async () => {
                calls++;
                throw awsError("ThrottlingException", 400, "client");
            },
            { policy, sleep },
        );
        assert.equal(calls, 4);
        assert.ok(!exhausted.ok && exhausted.kind === "exhausted" && exhausted.attempts === 4);

        calls = 0;
        const late = await retryAwsCall(
            async () => {
                calls++;
                throw awsError("InternalFailure", 500, "server");
            },
            { policy, sleep, random: () => 0.99, now: () => 1000, deadline: () => 1050 },
        );
        assert.equal(calls, 1, "no retry whose wait ends after the deadline");
        assert.ok(!late.ok && late.kind === "exhausted");
    });
});

describe("worker: output and failure reporting", () => {
    it("serializes output, null for undefined", () => {
        assert.deepEqual(serializeOutput({ result: "ecs done" }), {
            ok: true,
            json: '{"result":"ecs done"}',
            bytes: 21,
        });
        assert.deepEqual(serializeOutput(undefined), { ok: true, json: "null", bytes: 4 });
    });
    it("measures the limit in UTF-8 bytes: exactly 262144 passes, one more fails", () => {
        const fits = "x".repeat(REPORT_LIMITS.maxOutputBytes - 2);
        assert.ok(serializeOutput(fits).ok);
        const over = serializeOutput("x".repeat(REPORT_LIMITS.maxOutputBytes - 1));
        assert.ok(!over.ok && over.failure.error === WorkerErrorNames.OutputTooLarge);
        const multibyte = serializeOutput("é".repeat(140_000)); // 140000 chars, 280002 bytes
        assert.ok(!multibyte.ok);
        assert.match(multibyte.failure.cause, /280002 bytes/);
    });
    it("turns unserializable output into Worker.InvalidOutput", () => {
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        const r = serializeOutput(cyclic);
        assert.ok(!r.ok && r.failure.error === WorkerErrorNames.InvalidOutput);
        const big = serializeOutput({ n: BigInt(1) });
        assert.ok(!big.ok && big.failure.error === WorkerErrorNames.InvalidOutput);
        const fn = serializeOutput(() => 1);
        assert.ok(!fn.ok && fn.failure.error === WorkerErrorNames.InvalidOutput);
    });
    it("maps an error to its name, and message then stack as cause", () => {
        const err = namedError("Job.Failed", "it broke");
        const f = errorToFailure(err);
        assert.equal(f.error, "Job.Failed");
        assert.ok(f.cause.startsWith("it broke\n    at "), f.cause.slice(0, 60));
        assert.ok(!f.cause.includes("Job.Failed: it broke"), "the stack's header is not repeated");
        assert.deepEqual(errorToFailure("plain string"), { error: "Error", cause: "plain string" });
        assert.deepEqual(errorToFailure({ name: "Custom", message: "object" }), { error: "Custom", cause: "object" });
        const te = errorToFailure(new TypeError("x is not a function"));
        assert.equal(te.error, "TypeError");
    });
    it("caps error at 256 and cause at 32768 characters, marking the cut", () => {
        const f = errorToFailure(namedError("N".repeat(1000), "m".repeat(50_000)));
        assert.equal(f.error.length, 256);
        assert.equal(f.cause.length, 32_768);
        assert.ok(f.cause.endsWith("…[truncated]"));
    });
    it("truncate never splits a surrogate pair", () => {
        assert.equal(truncate("ab😀", 3), "ab");
        assert.equal(truncate("ab😀", 4), "ab😀");
        assert.equal(truncate("abc", 5), "abc");
    });
    it("names errors with a factory: a real Error with name", () => {
        const e = namedError("Worker.InvalidInput", "bad", new Error("inner"));
        assert.ok(e instanceof Error);
        assert.equal(e.name, "Worker.InvalidInput");
        assert.equal(e.message, "bad");
        assert.equal((e.cause as Error).message, "inner");
        assert.equal(errorName(e), "Worker.InvalidInput");
        assert.equal(errorName({}), undefined);
    });
});

describe("worker: task input", () => {
    it("strips the reserved _execution key and returns its ARNs", () => {
        const r = parseTaskInput(
            JSON.stringify({ a: 1, [EXECUTION_KEY]: { executionArn: "arn:e", taskArn: "arn:t", extra: 1 } }),
        );
        assert.deepEqual(r, { ok: true, input: { a: 1 }, execution: { executionArn: "arn:e", taskArn: "arn:t" } });
    });
    it("leaves other inputs as they are", () => {
        assert.deepEqual(parseTaskInput("[1,2]"), { ok: true, input: [1, 2], execution: {} });
        assert.deepEqual(parseTaskInput('"text"'), { ok: true, input: "text", execution: {} });
        assert.deepEqual(parseTaskInput('{"_execution":"not an object"}'), { ok: true, input: {}, execution: {} });
    });
    it("fails input that is not JSON with Worker.InvalidInput", () => {
        const r = parseTaskInput("{oops");
        assert.ok(!r.ok && r.failure.error === "Worker.InvalidInput");
        assert.ok(!parseTaskInput(undefined).ok);
    });
});

describe("worker: log lines", () => {
    it("formats time, level, event first; drops tokens and undefined; serializes errors", () => {
        const line = formatLogLine(new Date("2026-11-28T00:00:00Z"), "warn", "x.happened", {
            taskToken: "SECRET",
            durationMs: 5,
            gone: undefined,
            err: new RangeError("r"),
        });
        assert.equal(
            line,
            '{"time":"2026-11-28T00:00:00.000Z","level":"warn","event":"x.happened","durationMs":5,"err":{"name":"RangeError","message":"r"}}',
        );
        const cyclic: Record<string, unknown> = {};
        cyclic.c = cyclic;
        assert.match(formatLogLine(new Date(0), "info", "e", { cyclic }), /"logError"/);
    });
    it("the token hash is the first 16 hex digits of its SHA-256", () => {
        assert.equal(tokenHash("abc"), createHash("sha256").update("abc").digest("hex").slice(0, 16));
        assert.match(tokenHash("x"), /^[0-9a-f]{16}$/);
    });
    it("a logger writes one line per call, honours its level, and children add fields", () => {
        const lines: string[] = [];
        const log = createLogger({
            write: l => lines.push(l),
            level: "info",
            fields: { activity: "a" },
            now: () => new Date(0),
        });
        log.debug("hidden");
        log.child({ executionArn: "e" }).info("shown", { n: 1 });
        log.error("bad");
        assert.equal(lines.length, 2);
        assert.ok(lines.every(l => l.endsWith("\n") && l.indexOf("\n") === l.length - 1));
        assert.deepEqual(JSON.parse(lines[0]), {
            time: "1970-01-01T00:00:00.000Z",
            level: "info",
            event: "shown",
            activity: "a",
            executionArn: "e",
            n: 1,
        });
    });
});

describe("worker: the example job", () => {
    const noopLog = createLogger({ write: () => undefined });
    const ctx = (signal = new AbortController().signal) => ({
        signal,
        heartbeat: async () => undefined,
        log: noopLog,
        tokenHash: "h",
        workerName: "w",
    });

    it("validates its input with Worker.InvalidInput", () => {
        for (const bad of [
            null,
            [],
            "s",
            3,
            { durationMs: -1 },
            { durationMs: "5" },
            { durationMs: Infinity },
            { durationMs: 2 ** 31 },
            { failWith: "" },
            { failWith: 3 },
            { failMessage: 1 },
        ]) {
            assert.throws(
                () => validateJobInput(bad),
                (e: Error) => e.name === "Worker.InvalidInput",
                JSON.stringify(bad),
            );
        }
        assert.deepEqual(validateJobInput({ durationMs: 0, echo: null }), { durationMs: 0, echo: null });
    });
    it("returns ecs done, with echo when present (even null)", async () => {
        const job = createExampleJob({ defaultDurationMs: 0 });
        assert.deepEqual(await job({}, ctx()), { result: "ecs done" });
        assert.deepEqual(await job({ echo: null }, ctx()), { result: "ecs done", echo: null });
    });
    it("throws the error named by failWith after its wait", async () => {
        const job = createExampleJob({ defaultDurationMs: 0 });
        const started = Date.now();
        await assert.rejects(
            Promise.resolve(job({ failWith: "My.Error", durationMs: 30 }, ctx())),
            (e: Error) => e.name === "My.Error" && e instanceof Error,
        );
        assert.ok(Date.now() - started >= 25);
    });
    it("stops waiting when its signal aborts", async () => {
        const job = createExampleJob({ defaultDurationMs: 60_000 });
        const ac = new AbortController();
        const started = Date.now();
        const run = Promise.resolve(job({}, ctx(ac.signal)));
        setTimeout(() => ac.abort(namedError("Worker.Interrupted", "stop")), 20);
        await assert.rejects(run, (e: Error) => e.name === "Worker.Interrupted");
        assert.ok(Date.now() - started < 1000);
    });
});

describe("worker: ECS task ids", () => {
    it("reads the id from both ECS task ARN formats", () => {
        assert.equal(
            ecsTaskIdFromArn("arn:aws:ecs:us-east-1:123456789012:task/my-cluster/0123456789abcdef0123456789abcdef"),
            "0123456789abcdef0123456789abcdef",
        );
        assert.equal(ecsTaskIdFromArn("arn:aws:ecs:us-east-1:123456789012:task/abc-123"), "abc-123");
        assert.equal(ecsTaskIdFromArn("not an arn"), undefined);
        assert.equal(ecsTaskIdFromArn(42), undefined);
    });
});
