// When AWS says no slowly, on the local runtime with the real worker bundle and the serialized
// trigger: DescribeTasks not answering, half of all DescribeTasks calls throttled under 20
// executions at once, and the trigger's own Lambda timing out after it started a task.
import * as assert from "assert";
import { allStoppedOnTheirOwn, stackPerDescribe, tasksOf, WAITING_FOR_RUNNING } from "../helpers/refusal-stacks";
import { countOf, endWithin, failuresOf, watch } from "../helpers/watched-executions";

describe("ECS answers late or throttles many executions (local runtime, the trigger waiting for RUNNING)", function () {
    this.timeout(240_000);
    const stack = stackPerDescribe({}, WAITING_FOR_RUNNING); // waitForRunning is off by default

    it("DescribeTasks never answers: the check times out, the next one is answered, success", async () => {
        stack().ecs.testHooks.failNextCalls("DescribeTasks", "no-answer");
        const w = watch(stack(), { durationMs: 50 });
        const done = await endWithin(w, 90_000);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failuresOf(w), []);
        assert.strictEqual(countOf(w, "LambdaFunctionScheduled"), 1);
    });

    it("20 concurrent executions with half of all DescribeTasks calls throttled: all succeed, no task left running", async () => {
        const before = stack().ecs.testHooks.callCount("DescribeTasks");
        stack().ecs.testHooks.failShareOfCalls("DescribeTasks", "throttle", 0.5);
        const started = Date.now();
        const runs = Array.from({ length: 20 }, (_, i) => watch(stack(), { durationMs: 500, echo: `n${i}` }));
        const results = await Promise.all(runs.map(r => endWithin(r, 200_000)));
        const elapsedMs = Date.now() - started;
        stack().ecs.testHooks.clearCallFailures();
        const after = stack().ecs.testHooks.callCount("DescribeTasks");
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
        await allStoppedOnTheirOwn(stack(), 30_000);
    });
});

describe("the trigger's own Lambda fails (local runtime)", function () {
    this.timeout(180_000);
    // A trigger that hangs times out in 5 s; a container with no task exits after 3 idle seconds.
    const stack = stackPerDescribe({ maxLambdaTimeoutSeconds: 5, containerEnvironment: { IDLE_TIMEOUT_SECONDS: "3" } });

    it("a trigger that times out after RunTask started a task: Lambda.Unknown, retried, success; the spare container exits idle", async () => {
        stack().ecs.testHooks.failNextCalls("RunTask", "no-answer");
        const w = watch(stack(), { durationMs: 50, echo: "timed out once" });
        const done = await endWithin(w, 90_000);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failuresOf(w), ["Lambda.Unknown"]);
        const tasks = tasksOf(stack(), w);
        assert.strictEqual(tasks.length, 2, "the timed-out trigger's task and the retry's");
        await allStoppedOnTheirOwn(stack(), 20_000);
        const exits = tasks.map(t => stack().ecs.task(t.taskArn)!.exitCode).sort();
        assert.deepStrictEqual(exits, [0, 0], "one served the task, the other exited idle; none was killed");
    });
});
