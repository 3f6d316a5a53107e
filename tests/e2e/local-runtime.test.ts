// End to end on the local runtime: the dev stack's state machine with the real worker bundle, the
// serialized trigger, local Step Functions and ECS endpoints, driven through the real SDK.
import * as assert from "assert";
import {
    SFNClient,
    DescribeExecutionCommand,
    GetExecutionHistoryCommand,
    StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";
import { LocalStack, startLocalStack } from "../../local/stack/local-stack";
import { PROJECT_DIR } from "../helpers/dev-stack";
import { LAMBDA_HOST_PROCESS, waitUntilNoProcess, WORKER_PROCESS } from "../helpers/processes";
import { DEV_STACK_SUCCESS_HISTORY } from "../helpers/dev-stack-history";
import { localClientConfig } from "../helpers/local-client";

async function settle(client: SFNClient, executionArn: string, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const d = await client.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status !== "RUNNING") return d;
        if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
        await new Promise(r => setTimeout(r, 100));
    }
}

describe("local runtime: the dev stack end to end", function () {
    this.timeout(180_000);
    let stack: LocalStack;
    let sfn: SFNClient;
    const logs: string[] = [];

    before(async () => {
        stack = await startLocalStack({
            projectDir: PROJECT_DIR,
            stack: "dev",
            containerOutput: l => logs.push(l.line),
            lambdaOutput: l => logs.push(l.line),
        });
        sfn = new SFNClient(localClientConfig(stack.sfn.url, stack.region));
    });

    after(async () => {
        sfn?.destroy();
        await stack?.close();
        assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), [], "every worker process ended");
        assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), [], "every Lambda process ended");
    });

    it("succeeds with the worker's output, with the seed's history", async () => {
        const { executionArn } = await sfn.send(
            new StartExecutionCommand({
                stateMachineArn: stack.stateMachineArn,
                input: JSON.stringify({ durationMs: 200 }),
            }),
        );
        const done = await settle(sfn, executionArn!);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        assert.deepStrictEqual(JSON.parse(done.output!), { result: "ecs done" });
        const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000 }));
        const types = history.events!.map(e => e.type);
        assert.deepStrictEqual(types, DEV_STACK_SUCCESS_HISTORY);
        const ids = history.events!.map(e => e.id);
        assert.deepStrictEqual(
            ids,
            types.map((_, i) => i + 1),
            "ids from 1, in order",
        );
        assert.ok(
            history.events!.every(e => e.timestamp instanceof Date),
            "the SDK parsed epoch-second timestamps",
        );
        const started = history.events!.find(e => e.type === "ActivityStarted")!;
        const task = stack.ecs.tasks().at(-1)!;
        assert.strictEqual(
            started.activityStartedEventDetails!.workerName,
            task.taskArn.split("/").pop(),
            "the worker names itself by its ECS task id",
        );
        assert.strictEqual(task.tags?.find((t: any) => t.key === "step-functions-execution-arn")?.value, executionArn);
    });

    it("runs 50 concurrent executions, each with its own output, and every worker exits", async () => {
        const arns = await Promise.all(
            Array.from({ length: 50 }, (_, i) =>
                sfn
                    .send(
                        new StartExecutionCommand({
                            stateMachineArn: stack.stateMachineArn,
                            name: `concurrent-${i}`,
                            input: JSON.stringify({ echo: `n${i}`, durationMs: 300 }),
                        }),
                    )
                    .then(r => r.executionArn!),
            ),
        );
        const results = await Promise.all(arns.map(arn => settle(sfn, arn, 120_000)));
        results.forEach((r, i) => {
            assert.strictEqual(r.status, "SUCCEEDED", `${i}: ${r.error}: ${r.cause}`);
            assert.deepStrictEqual(JSON.parse(r.output!), { result: "ecs done", echo: `n${i}` });
        });
        assert.deepStrictEqual(
            await waitUntilNoProcess(WORKER_PROCESS, 20_000),
            [],
            "each worker exits after its one task",
        );
    });

    it("fails with the job's own error name and cause when the job throws (failWith)", async () => {
        const { executionArn } = await sfn.send(
            new StartExecutionCommand({
                stateMachineArn: stack.stateMachineArn,
                input: JSON.stringify({ durationMs: 10, failWith: "Job.Broken" }),
            }),
        );
        const done = await settle(sfn, executionArn!);
        assert.strictEqual(done.status, "FAILED");
        assert.strictEqual(done.error, "Job.Broken");
        assert.match(done.cause!, /Job\.Broken/);
        const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
        assert.strictEqual(
            history.events!.filter(e => e.type === "LambdaFunctionScheduled").length,
            1,
            "the job's own error is not retried",
        );
        assert.ok(history.events!.some(e => e.type === "FailStateEntered"));
    });

    it("answers bad requests to both endpoints with AWS-shaped errors and changes nothing", async () => {
        const before = stack.engine.listExecutions({ stateMachineArn: stack.stateMachineArn }).executions.length;
        const bad = async (url: string, target: string, body: string, contentType: string) => {
            const res = await fetch(url, {
                method: "POST",
                headers: { "Content-Type": contentType, "X-Amz-Target": target },
                body,
            });
            return { status: res.status, body: (await res.json()) as any };
        };
        const unknown = await bad(
            stack.sfn.url,
            "AWSStepFunctions.DeleteEverything",
            "{}",
            "application/x-amz-json-1.0",
        );
        assert.strictEqual(unknown.status, 400);
        assert.match(unknown.body.__type, /UnknownOperationException$/);
        const malformed = await bad(
            stack.sfn.url,
            "AWSStepFunctions.StartExecution",
            "{not json",
            "application/x-amz-json-1.0",
        );
        assert.match(malformed.body.__type, /SerializationException$/);
        await assert.rejects(
            sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, input: "{oops" })),
            (e: any) => e.name === "InvalidExecutionInput",
        );
        await assert.rejects(
            sfn.send(new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn.replace(/:[^:]+$/, ":nope") })),
            (e: any) => e.name === "StateMachineDoesNotExist",
        );
        assert.strictEqual(
            stack.engine.listExecutions({ stateMachineArn: stack.stateMachineArn }).executions.length,
            before,
            "no execution was started",
        );

        const ecs = new ECSClient(localClientConfig(stack.ecs.url, stack.region));
        const tasksBefore = stack.ecs.tasks().length;
        await assert.rejects(
            ecs.send(
                new RunTaskCommand({ cluster: "no-such-cluster", taskDefinition: stack.world.taskDefinitions[0].arn }),
            ),
            (e: any) => e.name === "ClusterNotFoundException",
        );
        await assert.rejects(
            ecs.send(new RunTaskCommand({ cluster: stack.world.clusters[0].arn, taskDefinition: "no-such-family" })),
            (e: any) => e.name === "ClientException" || e.name === "InvalidParameterException",
        );
        const ecsMalformed = await bad(
            stack.ecs.url,
            "AmazonEC2ContainerServiceV20141113.RunTask",
            "[",
            "application/x-amz-json-1.1",
        );
        assert.strictEqual(ecsMalformed.status, 400);
        assert.strictEqual(stack.ecs.tasks().length, tasksBefore, "no task was started");
        ecs.destroy();
    });
});
