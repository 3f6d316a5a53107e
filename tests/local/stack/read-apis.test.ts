// The read APIs scripts call, answered from the plan: DescribeStateMachine and the ECS cluster
// and task definition operations, through the real SDK clients, field by field against the
// planned resources' inputs.
import * as assert from "assert";
import {
    ClientException,
    DescribeClustersCommand,
    DescribeTaskDefinitionCommand,
    ECSClient,
    ListClustersCommand,
    ListTaskDefinitionsCommand,
} from "@aws-sdk/client-ecs";
import { DescribeStateMachineCommand, ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { LocalStack, startLocalStack } from "../../../local/stack/local-stack";
import { DeclaredResource } from "../../../local/program/mocks";
import { PROJECT_DIR } from "../../helpers/dev-stack";
import { LOCAL_CLIENT_CREDENTIALS } from "../../helpers/local-client";

const credentials = LOCAL_CLIENT_CREDENTIALS;

describe("read APIs over the plan (dev stack)", function () {
    this.timeout(60_000);
    let stack: LocalStack;
    let sfn: SFNClient;
    let ecs: ECSClient;
    const one = (type: string): DeclaredResource => {
        const found = stack.plan.resources.filter(r => r.type === type);
        assert.strictEqual(found.length, 1, type);
        return found[0];
    };

    before(async () => {
        stack = await startLocalStack({ projectDir: PROJECT_DIR, stack: "dev", externalWorkers: true });
        sfn = new SFNClient({ region: stack.region, endpoint: stack.sfn.url, credentials });
        ecs = new ECSClient({ region: stack.region, endpoint: stack.ecs.url, credentials });
    });

    after(async () => {
        sfn?.destroy();
        ecs?.destroy();
        await stack?.close();
    });

    it("DescribeStateMachine answers the planned role, type, logging, tracing and encryption", async () => {
        const planned = one("aws:sfn/stateMachine:StateMachine");
        const d = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stack.stateMachineArn }));
        assert.strictEqual(d.stateMachineArn, planned.state.arn);
        assert.strictEqual(d.name, planned.state.name);
        assert.strictEqual(d.status, "ACTIVE");
        assert.strictEqual(d.definition, planned.inputs.definition);
        assert.strictEqual(d.roleArn, planned.inputs.roleArn);
        assert.strictEqual(d.type, planned.inputs.type);
        assert.ok(d.creationDate instanceof Date && Date.now() - d.creationDate.getTime() < 60_000);
        assert.deepStrictEqual(d.loggingConfiguration, {
            level: planned.inputs.loggingConfiguration.level,
            includeExecutionData: planned.inputs.loggingConfiguration.includeExecutionData,
            destinations: [
                { cloudWatchLogsLogGroup: { logGroupArn: planned.inputs.loggingConfiguration.logDestination } },
            ],
        });
        assert.deepStrictEqual(d.loggingConfiguration!.level, "ALL", "the dev stack logs everything");
        assert.deepStrictEqual(d.tracingConfiguration, { enabled: planned.inputs.tracingConfiguration.enabled });
        assert.deepStrictEqual(d.tracingConfiguration, { enabled: true });
        assert.deepStrictEqual(d.encryptionConfiguration, { type: "AWS_OWNED_KEY" }, "AWS's default key");
        for (const absent of ["revisionId", "description", "label", "variableReferences"] as const)
            assert.strictEqual(d[absent], undefined, `${absent}: only after an update or for a version`);
        const list = await sfn.send(new ListStateMachinesCommand({}));
        assert.deepStrictEqual(
            list.stateMachines!.map(m => [m.stateMachineArn, m.type]),
            [[planned.state.arn, "STANDARD"]],
        );
    });

    it("ListClusters and DescribeClusters answer the planned cluster, an unknown one as MISSING", async () => {
        const planned = one("aws:ecs/cluster:Cluster");
        const capacity = one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders");
        const list = await ecs.send(new ListClustersCommand({}));
        assert.deepStrictEqual(list.clusterArns, [planned.state.arn]);
        assert.strictEqual(list.nextToken, undefined);
        const d = await ecs.send(
            new DescribeClustersCommand({ clusters: [planned.state.name, "nope"], include: ["TAGS", "SETTINGS"] }),
        );
        assert.deepStrictEqual(d.clusters, [
            {
                clusterArn: planned.state.arn,
                clusterName: planned.state.name,
                status: "ACTIVE",
                registeredContainerInstancesCount: 0,
                runningTasksCount: 0,
                pendingTasksCount: 0,
                activeServicesCount: 0,
                statistics: [],
                tags: [],
                settings: [],
                capacityProviders: capacity.inputs.capacityProviders,
                defaultCapacityProviderStrategy: [],
            },
        ]);
        assert.deepStrictEqual(d.failures, [
            { arn: `arn:aws:ecs:${stack.region}:000000000000:cluster/nope`, reason: "MISSING" },
        ]);
        const byArn = await ecs.send(new DescribeClustersCommand({ clusters: [planned.state.arn] }));
        assert.strictEqual(byArn.clusters![0].clusterName, planned.state.name);
    });

    it("ListTaskDefinitions and DescribeTaskDefinition answer the planned task definition", async () => {
        const planned = one("aws:ecs/taskDefinition:TaskDefinition");
        const list = await ecs.send(new ListTaskDefinitionsCommand({}));
        assert.deepStrictEqual(list.taskDefinitionArns, [planned.state.arn]);
        const byFamily = await ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: planned.inputs.family }));
        assert.deepStrictEqual(byFamily.taskDefinitionArns, [planned.state.arn]);
        const inactive = await ecs.send(new ListTaskDefinitionsCommand({ status: "INACTIVE" }));
        assert.deepStrictEqual(inactive.taskDefinitionArns, []);

        const d = await ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: planned.inputs.family, include: ["TAGS"] }),
        );
        const td = d.taskDefinition!;
        const containers = JSON.parse(planned.inputs.containerDefinitions);
        assert.deepStrictEqual(
            td.containerDefinitions,
            containers.map((c: any) => ({ environment: [], mountPoints: [], portMappings: [], volumesFrom: [], ...c })),
        );
        assert.deepStrictEqual(
            {
                taskDefinitionArn: td.taskDefinitionArn,
                family: td.family,
                revision: td.revision,
                cpu: td.cpu,
                memory: td.memory,
                networkMode: td.networkMode,
                requiresCompatibilities: td.requiresCompatibilities,
                runtimePlatform: td.runtimePlatform,
                executionRoleArn: td.executionRoleArn,
                taskRoleArn: td.taskRoleArn,
            },
            {
                taskDefinitionArn: planned.state.arn,
                family: planned.inputs.family,
                revision: planned.state.revision,
                cpu: planned.inputs.cpu,
                memory: planned.inputs.memory,
                networkMode: planned.inputs.networkMode,
                requiresCompatibilities: planned.inputs.requiresCompatibilities,
                runtimePlatform: planned.inputs.runtimePlatform,
                executionRoleArn: planned.inputs.executionRoleArn,
                taskRoleArn: planned.inputs.taskRoleArn,
            },
        );
        assert.strictEqual(td.status, "ACTIVE");
        assert.deepStrictEqual(td.compatibilities, ["EC2", "FARGATE"]);
        assert.deepStrictEqual([td.volumes, td.placementConstraints], [[], []]);
        assert.ok(td.registeredAt instanceof Date);
        assert.deepStrictEqual(d.tags, []);
        const byArn = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: planned.state.arn }));
        assert.strictEqual(byArn.taskDefinition!.taskDefinitionArn, planned.state.arn);
        assert.strictEqual(byArn.tags, undefined, "tags only when asked for");
        await assert.rejects(
            ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: "nope:1" })),
            (err: any) => err instanceof ClientException && err.message === "Unable to describe task definition.",
        );
    });
});
