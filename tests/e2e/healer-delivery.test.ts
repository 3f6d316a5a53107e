// The healer under AWS's real event delivery, on the local runtime with the real worker bundle and
// the serialized Lambdas: duplicate and concurrent "task stopped" events, containers of executions
// that no longer wait, containers stopped before their first poll, and execution names ECS tags
// refuse. Each test failed before the fix it covers (see the commit that made it pass).
import * as assert from "assert";
import { ECSClient, StopTaskCommand } from "@aws-sdk/client-ecs";
import { SFNClient, StopExecutionCommand } from "@aws-sdk/client-sfn";
import { InvokeResult } from "../../local/lambda/runner";
import { checkTagList } from "../../local/ecs/tag-rules";
import { LocalStack } from "../../local/stack/local-stack";
import { count, failures, failureStack, quiesce, watch, Watched } from "../helpers/executions";
import { waitUntilNoProcess, LAMBDA_HOST_PROCESS, WORKER_PROCESS } from "../helpers/processes";
import { LOCAL_CLIENT_CREDENTIALS } from "../helpers/local-client";

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const isStopped = (event: unknown) => (event as any)?.detail?.lastStatus === "STOPPED";

/** The ECS task an execution's n-th trigger started (the trigger's result names it). */
function containerOf(w: Watched, attempt = 1): string {
    const succeeded = w.events.filter(e => e.type === "LambdaFunctionSucceeded")[attempt - 1];
    return JSON.parse(succeeded.lambdaFunctionSucceededEventDetails!.output!).taskArn;
}

/**
 * Starts `count` warm healer environments (a stop of a task ECS no longer knows, which each ignores),
 * so copies of the next event run side by side rather than one behind each cold start.
 */
async function warmHealers(stack: LocalStack, count: number): Promise<void> {
    const cluster = stack.world.clusters[0].arn;
    const stranger = {
        source: "aws.ecs",
        "detail-type": "ECS Task State Change",
        detail: {
            clusterArn: cluster,
            taskArn: `${cluster.replace(":cluster/", ":task/")}/${"0".repeat(32)}`,
            taskDefinitionArn: stack.world.taskDefinitions[0].arn,
            lastStatus: "STOPPED",
        },
    };
    stack.events.testHooks.duplicateDeliveries({ copies: count - 1 });
    stack.events.publish(stranger);
    while (stack.pendingSubscriptions() > 0) await sleep(20);
}

/** Resolves with the execution's outcome, or a TIMED-OUT-IN-TEST marker after `ms`. */
function within(w: Watched, ms: number) {
    let timer: NodeJS.Timeout;
    const late = new Promise(resolve => (timer = setTimeout(resolve, ms))).then(
        () => ({ status: `still running after ${ms} ms` }) as any,
    );
    // Cleared once the execution ends: a pending minute would hold the test process open after the suite.
    return Promise.race([w.done, late]).finally(() => clearTimeout(timer));
}

describe("the healer under AWS's event delivery (local runtime)", function () {
    this.timeout(180_000);
    let stack: LocalStack;
    const healerResults: InvokeResult[] = [];

    before(async () => {
        stack = await failureStack(2, {
            onSubscriptionResult: (_fn, _event, result) => void healerResults.push(result),
        });
    });

    afterEach(async () => {
        stack.events.testHooks.duplicateDeliveries(undefined);
        await quiesce(stack);
        const failed = healerResults.splice(0).filter(r => !r.ok);
        assert.deepStrictEqual(failed, [], "no healer invocation fails");
    });

    after(async () => {
        await stack?.close();
        assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), []);
        assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), []);
    });

    it("1. a lost container's stop delivered three times at once and once more later heals one task", async () => {
        await warmHealers(stack, 3);
        stack.events.testHooks.duplicateDeliveries({
            copies: 3,
            concurrentShare: 2 / 3,
            laterMs: 4000,
            filter: isStopped,
        });
        stack.ecs.testHooks.exitNextTaskAfterRunning({ exitCode: 1, afterMs: 1500 });
        const a = watch(stack, { durationMs: 50, echo: "a" });
        const done = await a.done;
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(failures(a), ["Worker.Lost"], "one heal for one lost container");
        // The later copy arrives 4 s after the stop: have a task pending then.
        const lostAt = stack.ecs.task(containerOf(a))!.stoppedAt!;
        await sleep(Math.max(0, lostAt + 4100 - Date.now()));
        const f = watch(stack, { durationMs: 50, echo: "f" });
        const later = await f.done;
        assert.strictEqual(later.status, "SUCCEEDED", `${later.error}: ${later.cause}`);
        assert.deepStrictEqual(failures(f), [], "the copy that came later healed nothing");
    });

    it("2. a container of an execution stopped from outside is not healed at another execution's expense", async () => {
        stack.ecs.testHooks.exitNextTaskAfterRunning({ exitCode: 0, afterMs: 60_000 });
        const client = { region: stack.region, credentials: LOCAL_CLIENT_CREDENTIALS };
        const sfn = new SFNClient({ ...client, endpoint: stack.sfn.url });
        const ecs = new ECSClient({ ...client, endpoint: stack.ecs.url });
        try {
            const a = watch(stack, { durationMs: 50, echo: "a" });
            await a.next("ActivityScheduled");
            await sfn.send(new StopExecutionCommand({ executionArn: a.arn }));
            assert.strictEqual((await a.done).status, "ABORTED");
            const lost = containerOf(a);
            await ecs.send(new StopTaskCommand({ cluster: stack.ecs.task(lost)!.clusterArn, task: lost }));
            await stack.ecs.waitForTaskStatus(lost, "STOPPED");
            await sleep(300);
            const b = watch(stack, { durationMs: 50, echo: "b" });
            const done = await b.done;
            assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
            assert.deepStrictEqual(failures(b), [], "B's task is not blamed for A's container");
            assert.strictEqual(count(b, "LambdaFunctionScheduled"), 1, "B burns no retry");
        } finally {
            sfn.destroy();
            ecs.destroy();
        }
    });

    it("3. a container stopped after RUNNING, before its first poll (it exits 0), is healed within a minute", async () => {
        stack.ecs.testHooks.stopNextTaskBeforeFirstPoll({ reason: "Scaling activity initiated by (deployment)" });
        const started = Date.now();
        const a = watch(stack, { durationMs: 50, echo: "stopped-early" });
        const done = await within(a, 60_000);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        const lost = stack.ecs.task(containerOf(a))!;
        assert.deepStrictEqual([lost.exitCode, lost.stopCode], [0, "UserInitiated"]);
        assert.deepStrictEqual(failures(a), ["Worker.Lost"]);
        assert.ok(Date.now() - started < 60_000);
    });

    it("4. executions named with characters ECS tags refuse succeed, heal, and are told apart", async () => {
        const names = ["run(1)", "run_1_", "run)1(", "it's", "naïve!", "実".repeat(80), "🙂".repeat(80)];
        // Two of them lose their first container before it polls: the healer must find each one's execution.
        stack.ecs.testHooks.stopNextTaskBeforeFirstPoll({ times: 2 });
        const runs = names.map(name => watch(stack, { durationMs: 50, echo: name }, name));
        const results = await Promise.all(runs.map(r => within(r, 60_000)));
        results.forEach((r, i) =>
            assert.strictEqual(r.status, "SUCCEEDED", `${JSON.stringify(names[i])}: ${r.error}: ${r.cause}`),
        );
        const lostCount = runs.reduce((n, r) => n + failures(r).filter(e => e === "Worker.Lost").length, 0);
        assert.strictEqual(lostCount, 2, "each early stop healed once");
        for (const task of stack.ecs.tasks())
            assert.deepStrictEqual(checkTagList(task.tags), task.tags, "every tag within ECS's rules");
        const executionTags = runs.map(
            r => stack.ecs.task(containerOf(r))!.tags.find(t => t.key === "step-functions-execution-arn")?.value,
        );
        assert.strictEqual(new Set(executionTags.slice(0, 5)).size, 5, `told apart: ${executionTags.join(", ")}`);
    });
});
