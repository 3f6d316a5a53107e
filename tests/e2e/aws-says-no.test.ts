// When AWS says no, on the local runtime with the real worker bundle and the serialized trigger:
// ECS throttling, failing, refusing or not answering the trigger's calls after RunTask; the
// trigger's own Lambda timing out after it started a task; a worker whose clock is 10 minutes off.
import * as assert from "assert";
import * as path from "path";
import { DEFAULT_START_FAILURE } from "../../local/ecs/endpoint";
import { LocalStack, LocalStackOptions } from "../../local/stack/local-stack";
import { failureStack } from "../helpers/executions";
import { LAMBDA_HOST_PROCESS, waitUntilNoProcess, WORKER_PROCESS } from "../helpers/processes";
import {
    countOf,
    endWithin,
    failuresOf,
    liveTasks,
    quiesce,
    waitFor,
    watch,
    Watched,
} from "../helpers/watched-executions";

const TASK_TAKEN_TAG = "step-functions-activity-task";

/** The dev stack with short clocks: retry waits scaled to milliseconds, empty polls of 2 s. */
function stackWith(options: Partial<LocalStackOptions> = {}, config: Record<string, string> = {}): Promise<LocalStack> {
    return failureStack(10, options, config);
}

async function closeStack(stack: LocalStack | undefined): Promise<void> {
    await stack?.close();
    assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), []);
    assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), []);
}

/** The ECS tasks an execution's triggers started (tagged with its ARN). */
function tasksOf(stack: LocalStack, w: Watched) {
    return stack.ecs.tasks().filter(t => t.tags.some(tag => tag.value === w.arn));
}

/** Every task ended by itself (its worker took one task and exited, or exited idle): none left running. */
async function allStoppedOnTheirOwn(stack: LocalStack, timeoutMs: number): Promise<void> {
    await waitFor("every task stopped", () => liveTasks(stack).length === 0, timeoutMs);
}

describe("ECS says no after RunTask (local runtime, the trigger waiting for RUNNING)", function () {
    this.timeout(240_000);
    let stack: LocalStack;

    before(async () => {
        // waitForRunning is off by default; these are the waiting mode's cases.
        stack = await stackWith({}, { "fargate-activity:waitForRunning": "true" });
    });
    afterEach(() => quiesce(stack));
    after(() => closeStack(stack));

    for (const [failure, what] of [
        ["throttle", "throttled (ThrottlingException)"],
        ["server-error", "failed with HTTP 500 (ServerException)"],
    ] as const) {
        it(`DescribeTasks ${what} beyond the SDK's own retries: the trigger waits it out, one attempt, success`, async () => {
            // Three failed calls: one check fails after the SDK's three attempts.
            stack.ecs.testHooks.failNextCalls("DescribeTasks", failure, 3);
            const w = watch(stack, { durationMs: 50, echo: failure });
            const done = await endWithin(w, 120_000);
            assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
            assert.deepStrictEqual(failuresOf(w), []);
            assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 1, "no second RunTask, no second cold start");
            assert.ok(stack.ecs.testHooks.callCount("DescribeTasks").failed >= 3);
            await allStoppedOnTheirOwn(stack, 10_000);
        });
    }

    it("DescribeTasks never answers: the check times out, the next one is answered, success", async () => {
        stack.ecs.testHooks.failNextCalls("DescribeTasks", "no-answer");
        const w = watch(stack, { durationMs: 50 });
        const done = await endWithin(w, 90_000);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failuresOf(w), []);
        assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 1);
    });

    it("ECS refuses DescribeTasks for good (AccessDeniedException): no retry, a clear cause, and the trigger stops its task", async () => {
        stack.ecs.testHooks.failNextCalls("DescribeTasks", {
            code: "AccessDeniedException",
            message:
                "User: arn:aws:sts::000000000000:assumed-role/trigger is not authorized to perform: ecs:DescribeTasks",
        });
        const w = watch(stack, { durationMs: 50 });
        const done = await endWithin(w, 60_000);
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "AccessDeniedException");
        assert.match(done.cause!, /DescribeTasks/);
        assert.match(done.cause!, /not authorized to perform: ecs:DescribeTasks/);
        assert.match(done.cause!, /the trigger stopped task/);
        assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 1, "not retried");
        const [task] = tasksOf(stack, w);
        await stack.ecs.waitForTaskStatus(task.taskArn, "STOPPED", 5000);
        assert.strictEqual(stack.ecs.task(task.taskArn)!.stopCode, "UserInitiated", "stopped by the trigger");
    });

    it("a container that cannot start: Trigger.TaskStopped with ECS's reason, retried, then a failed execution with that cause", async () => {
        stack.ecs.testHooks.failNextTaskStart({ times: 4 });
        const started = Date.now();
        const w = watch(stack, { durationMs: 50 });
        const done = await endWithin(w, 60_000);
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "Trigger.TaskStopped");
        assert.ok(done.cause!.includes(DEFAULT_START_FAILURE.split(":")[0]), done.cause);
        assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 4, "the first attempt and three retries");
        assert.ok(Date.now() - started < 30_000, `failed after ${Date.now() - started} ms`);
    });

    it("20 concurrent executions with half of all DescribeTasks calls throttled: all succeed, no task left running", async () => {
        const before = stack.ecs.testHooks.callCount("DescribeTasks");
        stack.ecs.testHooks.failShareOfCalls("DescribeTasks", "throttle", 0.5);
        const started = Date.now();
        const runs = Array.from({ length: 20 }, (_, i) => watch(stack, { durationMs: 500, echo: `n${i}` }));
        const results = await Promise.all(runs.map(r => endWithin(r, 200_000)));
        const elapsedMs = Date.now() - started;
        stack.ecs.testHooks.clearCallFailures();
        const after = stack.ecs.testHooks.callCount("DescribeTasks");
        results.forEach((r, i) => {
            assert.strictEqual(r.status, "SUCCEEDED", `execution ${i}: ${r.error}: ${r.cause}`);
            assert.deepStrictEqual(JSON.parse(r.output!), { result: "ecs done", echo: `n${i}` });
            assert.deepStrictEqual(failuresOf(runs[i]), [], `execution ${i}: every trigger rode the throttling out`);
        });
        const attempts = runs.reduce((n, r) => n + countOf(r, "LambdaFunctionScheduled"), 0);
        const calls = after.calls - before.calls;
        const throttled = after.failed - before.failed;
        console.log(
            `      20 executions in ${(elapsedMs / 1000).toFixed(1)} s: ${attempts} trigger attempts, ` +
                `${calls} DescribeTasks calls, ${throttled} throttled (${((100 * throttled) / calls).toFixed(0)}%)`,
        );
        assert.ok(throttled >= 5, `only ${throttled} of ${calls} calls were throttled`);
        await allStoppedOnTheirOwn(stack, 30_000);
    });
});

describe("the trigger's own Lambda fails (local runtime)", function () {
    this.timeout(180_000);
    let stack: LocalStack;

    before(async () => {
        // A trigger that hangs times out in 5 s; a container with no task exits after 3 idle seconds.
        stack = await stackWith({ maxLambdaTimeoutSeconds: 5, containerEnvironment: { IDLE_TIMEOUT_SECONDS: "3" } });
    });
    afterEach(() => quiesce(stack));
    after(() => closeStack(stack));

    it("a trigger that times out after RunTask started a task: Lambda.Unknown, retried, success; the spare container exits idle", async () => {
        stack.ecs.testHooks.failNextCalls("RunTask", "no-answer");
        const w = watch(stack, { durationMs: 50, echo: "timed out once" });
        const done = await endWithin(w, 90_000);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failuresOf(w), ["Lambda.Unknown"]);
        const tasks = tasksOf(stack, w);
        assert.strictEqual(tasks.length, 2, "the timed-out trigger's task and the retry's");
        await allStoppedOnTheirOwn(stack, 20_000);
        const exits = tasks.map(t => stack.ecs.task(t.taskArn)!.exitCode).sort();
        assert.deepStrictEqual(exits, [0, 0], "one served the task, the other exited idle; none was killed");
    });
});

describe("a worker whose clock is 10 minutes off (local runtime)", function () {
    this.timeout(120_000);
    let stack: LocalStack;
    const output: string[] = [];

    before(async () => {
        stack = await stackWith({
            containerEnvironment: {
                NODE_OPTIONS: `--require ${path.join(__dirname, "..", "fixtures", "skewed-clock.js")}`,
                SKEWED_CLOCK_OFFSET_MS: String(-10 * 60_000),
            },
            containerOutput: ({ line }) => void output.push(line),
        });
    });
    afterEach(() => quiesce(stack));
    after(() => closeStack(stack));

    it("still takes and reports its task, and tags its ECS task", async () => {
        const w = watch(stack, { durationMs: 50, echo: "skewed" });
        const done = await endWithin(w, 60_000);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(JSON.parse(done.output!), { result: "ecs done", echo: "skewed" });
        assert.deepStrictEqual(failuresOf(w), []);
        assert.ok(
            output.some(line => line.includes("InvalidSignatureException")),
            "the endpoints did refuse the skewed signature first",
        );
        const [task] = tasksOf(stack, w);
        assert.ok(
            stack.ecs.task(task.taskArn)!.tags.some(t => t.key === TASK_TAKEN_TAG),
            "the worker's signed TagResource went through",
        );
    });
});
