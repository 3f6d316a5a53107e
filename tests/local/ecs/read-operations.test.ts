// The local ECS endpoint's read operations over declared clusters and task definitions: paging,
// sort order, filters, live task counts and ECS's answers to bad requests.
import * as assert from "assert";
import {
    DescribeClustersCommand,
    DescribeTaskDefinitionCommand,
    ECSClient,
    InvalidParameterException,
    ListClustersCommand,
    ListTaskDefinitionsCommand,
    RunTaskCommand,
} from "@aws-sdk/client-ecs";
import { EcsEndpoint, startEcsEndpoint } from "../../../local/ecs/endpoint";
import { DeclaredTaskDefinition } from "../../../local/ecs/types";
import { localClientConfig } from "../../helpers/local-client";

const REGION = "eu-west-1";
const ACCOUNT = "000000000000";
const cluster = (name: string) => ({
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/${name}`,
    name,
    capacityProviders: ["FARGATE"],
    tags: [{ key: "team", value: name }],
});
const taskDefinition = (family: string, revision: number): DeclaredTaskDefinition => ({
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/${family}:${revision}`,
    family,
    revision,
    cpu: "256",
    memory: "512",
    containerDefinitions: [{ name: "w", image: "w", environment: [{ name: "A", value: "1" }] }],
    tags: [{ key: "rev", value: String(revision) }],
});

describe("local ECS endpoint: read operations", function () {
    this.timeout(20_000);
    let endpoint: EcsEndpoint;
    let ecs: ECSClient;

    before(async () => {
        endpoint = await startEcsEndpoint({
            region: REGION,
            externalWorkers: true,
            clusters: [cluster("blue"), cluster("green"), cluster("red")],
            taskDefinitions: [taskDefinition("worker", 2), taskDefinition("api", 1), taskDefinition("worker", 1)],
            output: () => undefined,
        });
        ecs = new ECSClient(localClientConfig(endpoint.url, REGION));
    });

    after(async () => {
        ecs?.destroy();
        await endpoint?.close();
    });

    it("ListClusters pages by maxResults with a token bound to the list", async () => {
        const first = await ecs.send(new ListClustersCommand({ maxResults: 2 }));
        assert.deepStrictEqual(first.clusterArns, [cluster("blue").arn, cluster("green").arn]);
        const second = await ecs.send(new ListClustersCommand({ maxResults: 2, nextToken: first.nextToken }));
        assert.deepStrictEqual(second.clusterArns, [cluster("red").arn]);
        assert.strictEqual(second.nextToken, undefined);
        await assert.rejects(ecs.send(new ListClustersCommand({ maxResults: 101 })), InvalidParameterException);
        await assert.rejects(
            ecs.send(new ListTaskDefinitionsCommand({ nextToken: first.nextToken })),
            InvalidParameterException,
        );
    });

    it("DescribeClusters counts the cluster's live tasks and reports tags only when asked", async () => {
        const run = await ecs.send(
            new RunTaskCommand({
                cluster: "green",
                taskDefinition: "worker",
                launchType: "FARGATE",
                count: 2,
                networkConfiguration: { awsvpcConfiguration: { subnets: ["s"] } },
            }),
        );
        await Promise.all(run.tasks!.map(t => endpoint.waitForTaskStatus(t.taskArn!, "RUNNING")));
        const d = await ecs.send(new DescribeClustersCommand({ clusters: ["green", "blue"] }));
        assert.deepStrictEqual(
            d.clusters!.map(c => [c.clusterName, c.runningTasksCount, c.pendingTasksCount, c.tags]),
            [
                ["green", 2, 0, []],
                ["blue", 0, 0, []],
            ],
        );
        const tagged = await ecs.send(new DescribeClustersCommand({ clusters: ["green"], include: ["TAGS"] }));
        assert.deepStrictEqual(tagged.clusters![0].tags, [{ key: "team", value: "green" }]);
        const none = await ecs.send(new DescribeClustersCommand({}));
        assert.deepStrictEqual(none.clusters, []);
        assert.deepStrictEqual(none.failures, [
            { arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/default`, reason: "MISSING" },
        ]);
        await assert.rejects(
            ecs.send(new DescribeClustersCommand({ include: ["NOPE" as any] })),
            InvalidParameterException,
        );
    });

    it("ListTaskDefinitions sorts by family then revision, filters by family and status", async () => {
        const arn = (f: string, r: number) => taskDefinition(f, r).arn;
        const asc = await ecs.send(new ListTaskDefinitionsCommand({}));
        assert.deepStrictEqual(asc.taskDefinitionArns, [arn("api", 1), arn("worker", 1), arn("worker", 2)]);
        const desc = await ecs.send(new ListTaskDefinitionsCommand({ sort: "DESC", maxResults: 2 }));
        assert.deepStrictEqual(desc.taskDefinitionArns, [arn("worker", 2), arn("worker", 1)]);
        const rest = await ecs.send(
            new ListTaskDefinitionsCommand({ sort: "DESC", maxResults: 2, nextToken: desc.nextToken }),
        );
        assert.deepStrictEqual(rest.taskDefinitionArns, [arn("api", 1)]);
        const family = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: "work" }));
        assert.deepStrictEqual(family.taskDefinitionArns, [], "familyPrefix is the whole family name");
        await assert.rejects(
            ecs.send(new ListTaskDefinitionsCommand({ status: "GONE" as any })),
            InvalidParameterException,
        );
    });

    it("DescribeTaskDefinition by family (latest revision), family:revision or ARN", async () => {
        const latest = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "worker" }));
        assert.strictEqual(latest.taskDefinition!.revision, 2);
        assert.deepStrictEqual(latest.taskDefinition!.containerDefinitions, [
            {
                name: "w",
                image: "w",
                environment: [{ name: "A", value: "1" }],
                mountPoints: [],
                portMappings: [],
                volumesFrom: [],
            },
        ]);
        const first = await ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: "worker:1", include: ["TAGS"] }),
        );
        assert.deepStrictEqual(first.tags, [{ key: "rev", value: "1" }]);
        const byArn = await ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: taskDefinition("api", 1).arn }),
        );
        assert.strictEqual(byArn.taskDefinition!.family, "api");
        assert.strictEqual(byArn.taskDefinition!.networkMode, "awsvpc");
    });
});
