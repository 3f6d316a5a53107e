// ECS's tag rules on the local endpoint: the checks themselves, then RunTask and TagResource through
// the real @aws-sdk/client-ecs refusing what ECS refuses (an execution ARN with `(`, for one).
import * as assert from "assert";
import {
    DescribeTasksCommand,
    ECSClient,
    InvalidParameterException,
    RunTaskCommand,
    TagResourceCommand,
} from "@aws-sdk/client-ecs";
import { EcsEndpoint, startEcsEndpoint } from "../../../local/ecs/endpoint";
import { checkTagList, mergeTags } from "../../../local/ecs/tag-rules";
import { AwsServiceError } from "../../../local/shared/aws-json-server";
import { localClientConfig } from "../../helpers/local-client";

const REGION = "us-east-1";
const CLUSTER = { arn: `arn:aws:ecs:${REGION}:000000000000:cluster/work`, name: "work" };
const TASK_DEFINITION = {
    arn: `arn:aws:ecs:${REGION}:000000000000:task-definition/worker:1`,
    family: "worker",
    revision: 1,
    containerDefinitions: [{ name: "worker", image: "worker:latest", essential: true }],
};
const RUN = {
    cluster: "work",
    taskDefinition: "worker",
    launchType: "FARGATE" as const,
    networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-a"] } },
};
const EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:pipeline";

function codeOf(fn: () => unknown): string | undefined {
    try {
        fn();
        return undefined;
    } catch (err) {
        assert.ok(err instanceof AwsServiceError, String(err));
        return err.code;
    }
}

describe("local ECS: tag rules", () => {
    it("accepts letters and digits of any script, white space and _ . : / = + - @, up to the lengths", () => {
        const tags = [
            { key: "step-functions-execution-arn", value: `${EXECUTION}:run_1_` },
            { key: "naïve café 東京", value: "Ωμέγα = 1 + 2 @ 3/4" },
            { key: "k".repeat(128), value: "v".repeat(256) },
            { key: "empty", value: "" },
            { key: "no-value" },
        ];
        assert.deepStrictEqual(checkTagList(tags), tags);
    });

    it("refuses other characters, lengths beyond the limits and the aws: prefix, in any case, as InvalidParameterException", () => {
        const refused = [
            { key: "k", value: `${EXECUTION}:run(1)` },
            { key: "k", value: `${EXECUTION}:it's` },
            { key: "k", value: `${EXECUTION}:naïve!` },
            { key: "k", value: "semi;colon" },
            { key: "k", value: "tab\there" },
            { key: "k", value: "🙂" },
            { key: "k", value: "v".repeat(257) },
            { key: "" },
            { key: "k".repeat(129) },
            { key: "key(1)", value: "v" },
            { key: "aws:x", value: "1" },
            { key: "AwS:x", value: "1" },
            { key: "k", value: "AWS:reserved" },
            { key: "k", value: 7 },
        ];
        for (const tag of refused)
            assert.strictEqual(
                codeOf(() => checkTagList([tag])),
                "InvalidParameterException",
                JSON.stringify(tag),
            );
    });

    it("allows at most 50 tags per resource, AWS's own aws: tags not counted", () => {
        const fifty = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
        assert.strictEqual(checkTagList(fifty).length, 50);
        assert.strictEqual(
            codeOf(() => checkTagList([...fifty, { key: "one-more" }])),
            "InvalidParameterException",
        );
        assert.strictEqual(mergeTags(fifty, [{ key: "k0", value: "replaced" }])[0].value, "replaced");
        assert.strictEqual(
            codeOf(() => mergeTags(fifty, [{ key: "k50", value: "v" }])),
            "InvalidParameterException",
        );
        assert.strictEqual(mergeTags([...fifty, { key: "aws:ecs:serviceName", value: "s" }], []).length, 51);
    });

    describe("through the real SDK client", () => {
        let endpoint: EcsEndpoint;
        let ecs: ECSClient;

        before(async () => {
            endpoint = await startEcsEndpoint({
                clusters: [CLUSTER],
                taskDefinitions: [TASK_DEFINITION],
                region: REGION,
                externalWorkers: true,
            });
            ecs = new ECSClient(localClientConfig(endpoint.url, REGION));
        });

        after(async () => {
            ecs?.destroy();
            await endpoint?.close();
        });

        it("RunTask refuses a tag value ECS refuses, and starts no task", async () => {
            await assert.rejects(
                ecs.send(new RunTaskCommand({ ...RUN, tags: [{ key: "execution", value: `${EXECUTION}:run(1)` }] })),
                InvalidParameterException,
            );
            assert.deepStrictEqual(endpoint.tasks(), []);
        });

        it("TagResource refuses a tag value ECS refuses and tags beyond 50, and leaves the task's tags as they were", async () => {
            const { tasks } = await ecs.send(new RunTaskCommand({ ...RUN, tags: [{ key: "purpose", value: "test" }] }));
            const taskArn = tasks![0].taskArn!;
            await assert.rejects(
                ecs.send(
                    new TagResourceCommand({
                        resourceArn: taskArn,
                        tags: [{ key: "step-functions-activity-task", value: `${EXECUTION}:it's` }],
                    }),
                ),
                InvalidParameterException,
            );
            const more = Array.from({ length: 50 }, (_, i) => ({ key: `k${i}`, value: "v" }));
            await assert.rejects(
                ecs.send(new TagResourceCommand({ resourceArn: taskArn, tags: more })),
                InvalidParameterException,
            );
            await ecs.send(
                new TagResourceCommand({ resourceArn: taskArn, tags: [{ key: "taken", value: "run_28_1_29_" }] }),
            );
            const described = await ecs.send(
                new DescribeTasksCommand({ cluster: "work", tasks: [taskArn], include: ["TAGS"] }),
            );
            assert.deepStrictEqual(described.tasks![0].tags, [
                { key: "purpose", value: "test" },
                { key: "taken", value: "run_28_1_29_" },
            ]);
        });
    });
});
