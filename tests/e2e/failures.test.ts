// Failures that heal themselves, on the local runtime with the real worker bundle, the serialized
// trigger and healer, and ECS test hooks a normal run cannot reach.
import * as assert from "assert";
import { DEFAULT_START_FAILURE } from "../../local/ecs/endpoint";
import { LocalStack } from "../../local/stack/local-stack";
import { count, failures, failureStack, quiesce, tagged, takerOf, watch } from "../helpers/executions";
import { waitUntilNoProcess, LAMBDA_HOST_PROCESS, WORKER_PROCESS } from "../helpers/processes";

describe("failures that heal themselves (local runtime)", function () {
    this.timeout(180_000);
    let stack: LocalStack;

    before(async () => {
        stack = await failureStack(2);
    });

    afterEach(() => quiesce(stack));

    after(async () => {
        await stack?.close();
        assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), []);
        assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), []);
    });

    it("1. SIGTERM mid-job: Worker.Interrupted, the block retries with a second container, success", async () => {
        const w = watch(stack, { durationMs: 3000, echo: "sigterm" });
        await w.next("ActivityStarted");
        assert.ok(stack.ecs.testHooks.killTask(takerOf(stack, w), "SIGTERM"));
        const done = await w.done;
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(JSON.parse(done.output!), { result: "ecs done", echo: "sigterm" });
        assert.strictEqual(count(w, "LambdaFunctionScheduled"), 2, "trigger-ecs scheduled twice");
        assert.deepStrictEqual(failures(w), ["Worker.Interrupted"]);
        const first = stack.ecs.task(takerOf(stack, w, 1))!;
        assert.strictEqual(first.exitCode, 3, "the worker exits 3 after reporting");
    });

    it("2a. a worker that hangs (stops heartbeating): States.HeartbeatTimeout, retry, success", async () => {
        const w = watch(stack, { durationMs: 2000 });
        await w.next("ActivityStarted");
        const frozen = takerOf(stack, w);
        await tagged(stack, frozen);
        assert.ok(stack.ecs.testHooks.killTask(frozen, "SIGSTOP"));
        const done = await w.done;
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failures(w), ["States.HeartbeatTimeout"]);
        stack.ecs.testHooks.killTask(frozen, "SIGKILL");
    });

    it("2b. a worker killed with SIGKILL mid-job: States.HeartbeatTimeout, retry, success", async () => {
        const w = watch(stack, { durationMs: 2000 });
        await w.next("ActivityStarted");
        await tagged(stack, takerOf(stack, w));
        assert.ok(stack.ecs.testHooks.killTask(takerOf(stack, w), "SIGKILL"));
        const done = await w.done;
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failures(w), ["States.HeartbeatTimeout"], "the healer leaves a task a worker had taken");
    });

    it("3. no Fargate capacity on the first RunTask: Trigger.NoCapacity, retry with backoff, success", async () => {
        stack.ecs.testHooks.failNextRunTask();
        const w = watch(stack, { durationMs: 50 });
        const done = await w.done;
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failures(w), ["Trigger.NoCapacity"]);
        assert.strictEqual(count(w, "LambdaFunctionScheduled"), 2);
    });

    it("4. a container that cannot start: Worker.Lost from the healer with ECS's reason, retried, then a failed execution with that cause, long before the state machine's timeout", async () => {
        // The trigger returns right after RunTask (waitForRunning is off by default); the waiting
        // mode's Trigger.TaskStopped is tested in aws-says-no.test.ts.
        stack.ecs.testHooks.failNextTaskStart({ times: 4 });
        const started = Date.now();
        const w = watch(stack, { durationMs: 50 });
        const done = await w.done;
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "Worker.Lost");
        assert.ok(done.cause!.includes(DEFAULT_START_FAILURE), done.cause);
        assert.match(done.cause!, /stop code TaskFailedToStart/);
        assert.deepStrictEqual(failures(w), ["Worker.Lost", "Worker.Lost", "Worker.Lost", "Worker.Lost"]);
        assert.strictEqual(count(w, "LambdaFunctionScheduled"), 4, "the first attempt and three retries");
        assert.ok(Date.now() - started < 60_000, `failed after ${Date.now() - started} ms`);
        assert.ok(w.events.some(e => e.type === "FailStateEntered"));
    });

    it("5. a container that dies after RUNNING, before it polls: the healer fails its task with Worker.Lost, retry, success", async () => {
        stack.ecs.testHooks.exitNextTaskAfterRunning({ exitCode: 1, afterMs: 1500 });
        const started = Date.now();
        const w = watch(stack, { durationMs: 50, echo: "healed" });
        const done = await w.done;
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(JSON.parse(done.output!), { result: "ecs done", echo: "healed" });
        assert.deepStrictEqual(failures(w), ["Worker.Lost"]);
        const lost = w.events.find(e => (e as any).activityFailedEventDetails?.error === "Worker.Lost") as any;
        assert.match(lost.activityFailedEventDetails.cause, /stopped before it took its activity task/);
        assert.ok(Date.now() - started < 120_000, "healed within two minutes");
    });

    it("6. the job's own error: no retry, the execution fails with its name and cause", async () => {
        const w = watch(stack, { durationMs: 10, failWith: "Report.Corrupt" });
        const done = await w.done;
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "Report.Corrupt");
        assert.match(done.cause!, /Report\.Corrupt/);
        assert.strictEqual(count(w, "LambdaFunctionScheduled"), 1);
    });

    it("7. input the job rejects: Worker.InvalidInput, no retry", async () => {
        const w = watch(stack, { durationMs: -5 });
        const done = await w.done;
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "Worker.InvalidInput");
        assert.match(done.cause!, /durationMs/);
        assert.strictEqual(count(w, "LambdaFunctionScheduled"), 1);
    });
});

describe("load with faults (local runtime)", function () {
    this.timeout(300_000);
    let stack: LocalStack;

    before(async () => {
        // A longer heartbeat: 50 workers starting at once load both cores for seconds.
        stack = await failureStack(10);
    });

    after(async () => {
        await stack?.close();
        assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), []);
        assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), []);
    });

    it("8. 50 concurrent executions while a tenth of the workers are killed at random: all succeed, none stuck, no token handed out twice", async () => {
        const runs = Array.from({ length: 50 }, (_, i) => watch(stack, { durationMs: 1500, echo: `n${i}` }));
        // Kill 5 distinct running containers at random moments in the first seconds.
        const killed = new Set<string>();
        const deadline = Date.now() + 20_000;
        while (killed.size < 5 && Date.now() < deadline) {
            await new Promise(r => setTimeout(r, 200 + Math.random() * 800));
            const running = stack.ecs.tasks().filter(t => t.lastStatus === "RUNNING" && !killed.has(t.taskArn));
            if (running.length === 0) continue;
            const victim = running[Math.floor(Math.random() * running.length)].taskArn;
            if (stack.ecs.testHooks.killTask(victim, "SIGKILL")) killed.add(victim);
        }
        assert.strictEqual(killed.size, 5, "five containers were killed");
        const results = await Promise.all(runs.map(r => r.done));
        results.forEach((r, i) => {
            assert.strictEqual(r.status, "SUCCEEDED", `execution ${i}: ${r.error}: ${r.cause}`);
            assert.deepStrictEqual(JSON.parse(r.output!), { result: "ecs done", echo: `n${i}` });
        });
        const tokens = stack.sfn
            .requestsFor("GetActivityTask")
            .map(r => (r.response as any)?.taskToken)
            .filter(Boolean);
        assert.strictEqual(new Set(tokens).size, tokens.length, "each token handed out once");
        const retried = runs.filter(r => count(r, "LambdaFunctionScheduled") > 1).length;
        assert.ok(retried >= 1, "the killed containers' executions were retried");
    });
});
