// RunTask's clientToken: a retry with the same token gets the first answer; a long session (the SDK
// sends a fresh token with every call) forgets tokens beyond the last 1,000.
import * as assert from "assert";
import { ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";
import { EcsEndpoint, startEcsEndpoint } from "../../../local/ecs/endpoint";
import { localClientConfig } from "../../helpers/local-client";

describe("local ECS endpoint: RunTask client tokens", function () {
    this.timeout(60_000);
    let endpoint: EcsEndpoint;
    let ecs: ECSClient;
    const run = (clientToken: string) =>
        ecs.send(
            new RunTaskCommand({
                cluster: "c",
                taskDefinition: "w",
                launchType: "FARGATE",
                clientToken,
                networkConfiguration: { awsvpcConfiguration: { subnets: ["s"] } },
            }),
        );

    before(async () => {
        endpoint = await startEcsEndpoint({
            externalWorkers: true,
            clusters: [{ arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", name: "c" }],
            taskDefinitions: [
                {
                    arn: "arn:aws:ecs:us-east-1:000000000000:task-definition/w:1",
                    family: "w",
                    revision: 1,
                    containerDefinitions: [{ name: "w" }],
                },
            ],
            output: () => undefined,
            retainStoppedTasks: 10,
        });
        ecs = new ECSClient(localClientConfig(endpoint.url));
    });

    after(async () => {
        ecs?.destroy();
        await endpoint?.close();
    });

    it("answers a retry with the first answer, and forgets the oldest of more than 1,000 tokens", async () => {
        const first = await run("token-0");
        const retry = await run("token-0");
        assert.strictEqual(retry.tasks![0].taskArn, first.tasks![0].taskArn);
        for (let i = 1; i <= 1000; i++) await run(`token-${i}`);
        const late = await run("token-0");
        assert.notStrictEqual(late.tasks![0].taskArn, first.tasks![0].taskArn, "token-0 was forgotten");
        const recent = await run("token-1000");
        assert.strictEqual((await run("token-1000")).tasks![0].taskArn, recent.tasks![0].taskArn);
    });
});
