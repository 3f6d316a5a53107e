// When AWS says no, on the local runtime with the real worker bundle and the serialized trigger:
// ECS throttling, failing or refusing the trigger's calls after RunTask, a container that cannot
// start, and a worker whose clock is 10 minutes off. ECS not answering, throttling many executions
// at once and the trigger's own Lambda timing out are in aws-says-no-slowly.test.ts: the two files
// run side by side.
import * as assert from "assert";
import * as path from "path";
import { DEFAULT_START_FAILURE } from "../../local/ecs/endpoint";
import {
    allStoppedOnTheirOwn,
    stackPerDescribe,
    TASK_TAKEN_TAG,
    tasksOf,
    WAITING_FOR_RUNNING,
} from "../helpers/refusal-stacks";
import { countOf, endWithin, failuresOf, watch } from "../helpers/watched-executions";

describe("ECS says no after RunTask (local runtime, the trigger waiting for RUNNING)", function () {
    this.timeout(240_000);
    const stack = stackPerDescribe({}, WAITING_FOR_RUNNING); // waitForRunning is off by default

    for (const [failure, what] of [
        ["throttle", "throttled (ThrottlingException)"],
        ["server-error", "failed with HTTP 500 (ServerException)"],
    ] as const) {
        it(`DescribeTasks ${what} beyond the SDK's own retries: the trigger waits it out, one attempt, success`, async () => {
            // Three failed calls: one check fails after the SDK's three attempts.
            stack().ecs.testHooks.failNextCalls("DescribeTasks", failure, 3);
            const w = watch(stack(), { durationMs: 50, echo: failure });
            const done = await endWithin(w, 120_000);
            assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
            assert.deepStrictEqual(failuresOf(w), []);
            assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 1, "no second RunTask, no second cold start");
            assert.ok(stack().ecs.testHooks.callCount("DescribeTasks").failed >= 3);
            await allStoppedOnTheirOwn(stack(), 10_000);
        });
    }

    it("ECS refuses DescribeTasks for good (AccessDeniedException): no retry, a clear cause, and the trigger stops its task", async () => {
        stack().ecs.testHooks.failNextCalls("DescribeTasks", {
            code: "AccessDeniedException",
            message:
                "User: arn:aws:sts::000000000000:assumed-role/trigger is not authorized to perform: ecs:DescribeTasks",
        });
        const w = watch(stack(), { durationMs: 50 });
        const done = await endWithin(w, 60_000);
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "AccessDeniedException");
        assert.match(done.cause!, /DescribeTasks/);
        assert.match(done.cause!, /not authorized to perform: ecs:DescribeTasks/);
        assert.match(done.cause!, /the trigger stopped task/);
        assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 1, "not retried");
        const [task] = tasksOf(stack(), w);
        await stack().ecs.waitForTaskStatus(task.taskArn, "STOPPED", 5000);
        assert.strictEqual(stack().ecs.task(task.taskArn)!.stopCode, "UserInitiated", "stopped by the trigger");
    });

    it("a container that cannot start: Trigger.TaskStopped with ECS's reason, retried, then a failed execution with that cause", async () => {
        stack().ecs.testHooks.failNextTaskStart({ times: 4 });
        const started = Date.now();
        const w = watch(stack(), { durationMs: 50 });
        const done = await endWithin(w, 60_000);
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "Trigger.TaskStopped");
        assert.ok(done.cause!.includes(DEFAULT_START_FAILURE.split(":")[0]), done.cause);
        assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 4, "the first attempt and three retries");
        assert.ok(Date.now() - started < 30_000, `failed after ${Date.now() - started} ms`);
    });
});

describe("a worker whose clock is 10 minutes off (local runtime)", function () {
    this.timeout(120_000);
    const output: string[] = [];
    const stack = stackPerDescribe({
        containerEnvironment: {
            NODE_OPTIONS: `--require ${path.join(__dirname, "..", "fixtures", "skewed-clock.js")}`,
            SKEWED_CLOCK_OFFSET_MS: String(-10 * 60_000),
        },
        containerOutput: ({ line }) => void output.push(line),
    });

    it("still takes and reports its task, and tags its ECS task", async () => {
        const w = watch(stack(), { durationMs: 50, echo: "skewed" });
        const done = await endWithin(w, 60_000);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(JSON.parse(done.output!), { result: "ecs done", echo: "skewed" });
        assert.deepStrictEqual(failuresOf(w), []);
        assert.ok(
            output.some(line => line.includes("InvalidSignatureException")),
            "the endpoints did refuse the skewed signature first",
        );
        const [task] = tasksOf(stack(), w);
        assert.ok(
            stack()
                .ecs.task(task.taskArn)!
                .tags.some(t => t.key === TASK_TAKEN_TAG),
            "the worker's signed TagResource went through",
        );
    });
});
