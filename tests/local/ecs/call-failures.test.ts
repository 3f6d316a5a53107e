// The local ECS endpoint's call-failure hooks, through the real @aws-sdk/client-ecs: throttled,
// failed, refused and unanswered calls look to the SDK as they do from ECS.
import * as assert from "assert";
import { DescribeTasksCommand, ECSClient, ListTasksCommand, RunTaskCommand } from "@aws-sdk/client-ecs";
import { EcsEndpoint, startEcsEndpoint } from "../../../local/ecs/endpoint";
import { CallFailures } from "../../../local/ecs/call-failures";
import { localClientConfig } from "../../helpers/local-client";

const REGION = "eu-west-1";
const CLUSTER = {
    arn: `arn:aws:ecs:${REGION}:000000000000:cluster/work`,
    name: "work",
    capacityProviders: ["FARGATE"],
};
const TASK_DEFINITION = {
    arn: `arn:aws:ecs:${REGION}:000000000000:task-definition/worker:1`,
    family: "worker",
    revision: 1,
    cpu: "256",
    memory: "512",
    networkMode: "awsvpc",
    requiresCompatibilities: ["FARGATE"],
    containerDefinitions: [{ name: "worker", image: "worker:latest", essential: true }],
};
const RUN_TASK = {
    cluster: "work",
    taskDefinition: "worker",
    launchType: "FARGATE" as const,
    networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a"] } },
};

describe("local ECS endpoint: failing calls (test hooks)", function () {
    this.timeout(30_000);
    let endpoint: EcsEndpoint;
    let ecs: ECSClient;

    beforeEach(async () => {
        endpoint = await startEcsEndpoint({
            clusters: [CLUSTER],
            taskDefinitions: [TASK_DEFINITION],
            region: REGION,
            externalWorkers: true,
        });
        // Retries quick and few: the SDK's own retry of a throttled call is what these tests count.
        ecs = new ECSClient({ ...localClientConfig(endpoint.url, REGION), maxAttempts: 2 });
    });

    afterEach(async () => {
        ecs.destroy();
        await endpoint.close();
    });

    it("throttles the next N calls of one operation as ECS does (HTTP 400 ThrottlingException), and only that operation", async () => {
        endpoint.testHooks.failNextCalls("DescribeTasks", "throttle", 2);
        await assert.doesNotReject(ecs.send(new ListTasksCommand({ cluster: "work" })));
        const error: any = await ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: ["t"] })).catch(e => e);
        assert.strictEqual(error.name, "ThrottlingException");
        assert.strictEqual(error.message, "Rate exceeded");
        assert.strictEqual(error.$metadata.httpStatusCode, 400);
        assert.strictEqual(error.$metadata.attempts, 2, "the SDK retried the throttled call");
        assert.deepStrictEqual(endpoint.testHooks.callCount("DescribeTasks"), { calls: 2, failed: 2 });
        const answer = await ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: ["t"] }));
        assert.strictEqual(answer.failures?.[0].reason, "MISSING", "the third call reached the operation");
    });

    it("fails calls with HTTP 500 ServerException, or with any named error", async () => {
        endpoint.testHooks.failNextCalls("DescribeTasks", "server-error", 2);
        const server: any = await ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: ["t"] })).catch(e => e);
        assert.strictEqual(server.name, "ServerException");
        assert.strictEqual(server.$metadata.httpStatusCode, 500);
        endpoint.testHooks.failNextCalls("DescribeTasks", { code: "AccessDeniedException", message: "no" });
        const denied: any = await ecs.send(new DescribeTasksCommand({ cluster: "work", tasks: ["t"] })).catch(e => e);
        assert.deepStrictEqual(
            [denied.name, denied.message, denied.$metadata.attempts],
            ["AccessDeniedException", "no", 1],
        );
    });

    it("no-answer: the call is carried out (RunTask starts a task) but never answered", async () => {
        endpoint.testHooks.failNextCalls("RunTask", "no-answer");
        const error: any = await ecs
            .send(new RunTaskCommand(RUN_TASK), { abortSignal: AbortSignal.timeout(300) as any })
            .catch(e => e);
        assert.strictEqual(error.name, "AbortError");
        assert.strictEqual(endpoint.tasks().length, 1, "the task was started all the same");
        const answered = await ecs.send(new RunTaskCommand(RUN_TASK));
        assert.strictEqual(answered.tasks?.length, 1, "the next call is answered");
    });

    it("fails a share of the calls until cleared", async () => {
        const failures = new CallFailures(sequence([0.1, 0.9, 0.2, 0.8]));
        failures.failShare("DescribeTasks", "throttle", 0.5);
        const answered: string[] = [];
        const handlers = failures.wrap({ DescribeTasks: () => "ok" });
        const signal = new AbortController().signal;
        for (let i = 0; i < 4; i++)
            answered.push(await Promise.resolve(handlers.DescribeTasks({}, { signal })).then(String, e => e.code));
        assert.deepStrictEqual(answered, ["ThrottlingException", "ok", "ThrottlingException", "ok"]);
        failures.clear();
        assert.strictEqual(await handlers.DescribeTasks({}, { signal }), "ok");
        assert.deepStrictEqual(failures.count("DescribeTasks"), { calls: 5, failed: 2 });
    });
});

function sequence(values: number[]): () => number {
    let i = 0;
    return () => values[i++ % values.length];
}
