// The dev stack under mocks: what `pulumi up` would create, how it hangs together, and what it
// exports; plus a second component in the same program that must not collide with the first.
import * as assert from "assert";
import { FargateActivityStep, renderDefinition, checkDefinition, Chain } from "../components";
import * as fs from "fs";
import * as path from "path";
import { FARGATE_ACTIVITY_STEP_TYPE } from "../components/fargate-activity-step";
import { FARGATE_ACTIVITY_CLUSTER_TYPE } from "../components/type-tokens";
import { installMocks, settled } from "../local/program/mocks";
import { loadProjectConfig } from "../local/program/stack-config";
import { thirdPartyAslErrors } from "./helpers/asl-validators";
import { devStack, EvaluatedStack, PROJECT_DIR, stackView } from "./helpers/dev-stack";

/** What each step creates for itself. */
const STEP_CHILDREN = [
    "aws:sfn/activity:Activity",
    "aws:ecs/taskDefinition:TaskDefinition",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:iam/role:Role",
    "aws:iam/rolePolicy:RolePolicy",
    "aws:lambda/function:Function",
    "aws:lambda/permission:Permission",
    "aws:cloudwatch/eventRule:EventRule",
    "aws:cloudwatch/eventTarget:EventTarget",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    "aws:dynamodb/table:Table",
];

/** What the steps share: the FargateActivityCluster's. */
const CLUSTER_CHILDREN = [
    "aws:ecs/cluster:Cluster",
    "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders",
    "aws:ec2/vpc:Vpc",
    "aws:ec2/internetGateway:InternetGateway",
    "aws:ec2/routeTable:RouteTable",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/routeTableAssociation:RouteTableAssociation",
    "aws:ec2/securityGroup:SecurityGroup",
    "aws:ecr/repository:Repository",
    "aws:ecr/lifecyclePolicy:LifecyclePolicy",
    "awsx:ecr:Image",
];

const COMPONENTS = [
    FARGATE_ACTIVITY_STEP_TYPE,
    FARGATE_ACTIVITY_CLUSTER_TYPE,
    "fargate-activity:steps:StepStateMachine",
];

describe("the dev stack", function () {
    this.timeout(60_000);
    let stack: EvaluatedStack;
    before(async () => {
        stack = await devStack();
    });

    it("parents every resource to a component: the shared ones to the cluster, the step's own to the step", () => {
        const step = stack.one(FARGATE_ACTIVITY_STEP_TYPE, "ecs");
        const cluster = stack.one(FARGATE_ACTIVITY_CLUSTER_TYPE, "shared");
        for (const r of stack.resources) {
            if (COMPONENTS.includes(r.type)) continue;
            assert.ok(
                r.parent && !r.parent.endsWith("pulumi:pulumi:Stack::fargate-activity-dev"),
                `${r.type} ${r.name} has no component parent`,
            );
        }
        const children = stack.resources.filter(r => r.parent === step.urn);
        const types = new Set(children.map(r => r.type));
        assert.deepStrictEqual([...types].sort(), [...STEP_CHILDREN].sort());
        const shared = stack.resources.filter(r => r.parent === cluster.urn);
        assert.deepStrictEqual([...new Set(shared.map(r => r.type))].sort(), [...CLUSTER_CHILDREN].sort());
        assert.strictEqual(shared.filter(r => r.type === "aws:ec2/subnet:Subnet").length, 2, "two availability zones");
        assert.deepStrictEqual(
            shared.filter(r => r.type === "aws:ec2/subnet:Subnet").map(s => s.inputs.availabilityZone),
            ["us-east-1a", "us-east-1b"],
        );
        assert.deepStrictEqual(
            children
                .filter(r => r.type === "aws:iam/role:Role")
                .map(r => r.name)
                .sort(),
            ["ecs-execution", "ecs-healer", "ecs-task", "ecs-trigger"],
        );
    });

    it("creates no NAT gateway, and a security group without ingress that lets out HTTPS only", () => {
        assert.strictEqual(stack.ofType("aws:ec2/natGateway:NatGateway").length, 0);
        const sg = stack.one("aws:ec2/securityGroup:SecurityGroup");
        assert.deepStrictEqual(sg.inputs.ingress ?? [], []);
        assert.deepStrictEqual(
            sg.inputs.egress.map((e: any) => [e.protocol, e.fromPort, e.toPort]),
            [["tcp", 443, 443]],
        );
    });

    it("names the activity per project, stack and step", () => {
        assert.strictEqual(stack.one("aws:sfn/activity:Activity").inputs.name, "fargate-activity-dev-ecs");
    });

    it("defines the worker's task: size, architecture, stop timeout, environment, logs", () => {
        const td = stack.one("aws:ecs/taskDefinition:TaskDefinition").inputs;
        assert.strictEqual(td.cpu, "256");
        assert.strictEqual(td.memory, "512");
        assert.deepStrictEqual(td.requiresCompatibilities, ["FARGATE"]);
        assert.strictEqual(td.networkMode, "awsvpc");
        assert.deepStrictEqual(td.runtimePlatform, { operatingSystemFamily: "LINUX", cpuArchitecture: "X86_64" });
        assert.strictEqual(td.taskRoleArn, stack.one("aws:iam/role:Role", "ecs-task").state.arn);
        assert.strictEqual(td.executionRoleArn, stack.one("aws:iam/role:Role", "ecs-execution").state.arn);
        const [container] = JSON.parse(td.containerDefinitions);
        assert.strictEqual(container.stopTimeout, 120);
        assert.strictEqual(container.essential, true);
        assert.match(
            container.image,
            /^000000000000\.dkr\.ecr\.us-east-1\.amazonaws\.com\/shared-workers-[0-9a-f]+:main-[0-9a-f]{8}-x86_64@sha256:[0-9a-f]{64}$/,
            "the shared repository, the worker's own tag, pinned to its digest",
        );
        assert.strictEqual(container.image, stack.one("awsx:ecr:Image").state.imageUri);
        const env = Object.fromEntries(container.environment.map((e: any) => [e.name, e.value]));
        assert.deepStrictEqual(env, {
            ACTIVITY_ARN: stack.outputs.activityArn,
            AWS_REGION: "us-east-1",
            HEARTBEAT_SECONDS: "60",
            JOB_DURATION_MS: "10000",
        });
        assert.strictEqual(container.logConfiguration.logDriver, "awslogs");
        for (const lg of stack.ofType("aws:cloudwatch/logGroup:LogGroup"))
            assert.strictEqual(lg.inputs.retentionInDays, 14, `${lg.name} retention from Pulumi.dev.yaml`);
    });

    it("bundles this repository's worker into a context of its own and builds it with the runtime-only Dockerfile, for the task's platform", () => {
        const image = stack.one("awsx:ecr:Image");
        assert.strictEqual(image.name, `shared-${image.inputs.imageTag}`);
        assert.match(image.inputs.imageTag, /^main-[0-9a-f]{8}-x86_64$/);
        assert.deepStrictEqual(fs.readdirSync(image.inputs.context).sort(), ["Dockerfile", "worker.js"]);
        assert.strictEqual(image.inputs.dockerfile, path.join(image.inputs.context, "Dockerfile"));
        assert.strictEqual(
            fs.readFileSync(image.inputs.dockerfile, "utf8"),
            fs.readFileSync(path.join(PROJECT_DIR, "worker-image", "Dockerfile"), "utf8"),
        );
        assert.ok(
            image.inputs.context.startsWith(path.join(PROJECT_DIR, "node_modules", ".cache", "fargate-activity-step")),
            image.inputs.context,
        );
        assert.strictEqual(image.inputs.platform, "linux/amd64");
        assert.strictEqual(
            image.inputs.repositoryUrl,
            stack.one("aws:ecr/repository:Repository", "shared-workers").state.repositoryUrl,
        );
        const lifecycle = JSON.parse(stack.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
        assert.deepStrictEqual(
            lifecycle.rules.map((r: any) => [r.selection, r.action.type]),
            [[{ tagStatus: "untagged", countType: "sinceImagePushed", countUnit: "days", countNumber: 14 }, "expire"]],
            "only superseded (untagged) images expire",
        );
    });

    it("runs the trigger on Node.js 22 with its own role, log group and the RunTask settings", () => {
        const fn = stack.one("aws:lambda/function:Function", "ecs-trigger").inputs;
        assert.strictEqual(fn.runtime, "nodejs22.x");
        assert.strictEqual(fn.role, stack.one("aws:iam/role:Role", "ecs-trigger").state.arn);
        assert.strictEqual(fn.timeout, 60, "no wait for RUNNING by default: a minute for RunTask");
        assert.strictEqual(
            fn.loggingConfig.logGroup,
            stack.one("aws:cloudwatch/logGroup:LogGroup", "ecs-trigger").state.name,
        );
        const env = fn.environment.variables;
        assert.strictEqual(env.CLUSTER_ARN, stack.one("aws:ecs/cluster:Cluster").state.arn);
        assert.strictEqual(env.TASK_DEFINITION_ARN, stack.one("aws:ecs/taskDefinition:TaskDefinition").state.arn);
        assert.strictEqual(env.SUBNET_IDS.split(",").length, 2);
        assert.strictEqual(env.ASSIGN_PUBLIC_IP, "ENABLED");
        assert.strictEqual(env.CAPACITY, "FARGATE");
        assert.strictEqual(env.PLATFORM_VERSION, "1.4.0");
        assert.strictEqual(env.WAIT_FOR_RUNNING_SECONDS, "0", "the trigger returns right after RunTask");
        assert.deepStrictEqual(
            stack.one("aws:ecs/clusterCapacityProviders:ClusterCapacityProviders").inputs.capacityProviders,
            ["FARGATE", "FARGATE_SPOT"],
        );
    });

    it("subscribes the healer to this step's stopped tasks, gives it its claims table, and lets it read the state machine's history", () => {
        const rule = JSON.parse(
            stack.one("aws:cloudwatch/eventRule:EventRule", "ecs-task-stopped").inputs.eventPattern,
        );
        const td = stack.one("aws:ecs/taskDefinition:TaskDefinition", "ecs-task").state;
        assert.deepStrictEqual(rule, {
            source: ["aws.ecs"],
            "detail-type": ["ECS Task State Change"],
            detail: {
                clusterArn: [stack.one("aws:ecs/cluster:Cluster").state.arn],
                lastStatus: ["STOPPED"],
                taskDefinitionArn: [{ prefix: `${td.arnWithoutRevision}:` }],
            },
        });
        const healer = stack.one("aws:lambda/function:Function", "ecs-healer");
        assert.strictEqual(
            stack.one("aws:cloudwatch/eventTarget:EventTarget", "ecs-task-stopped").inputs.arn,
            healer.state.arn,
        );
        const permission = stack.one("aws:lambda/permission:Permission", "ecs-task-stopped").inputs;
        assert.deepStrictEqual(
            [permission.principal, permission.sourceArn],
            ["events.amazonaws.com", stack.one("aws:cloudwatch/eventRule:EventRule", "ecs-task-stopped").state.arn],
        );
        const claims = stack.one("aws:dynamodb/table:Table", "ecs-healer-claims");
        assert.deepStrictEqual(healer.inputs.environment.variables, {
            ACTIVITY_ARN: stack.outputs.activityArn,
            CLUSTER_ARN: stack.one("aws:ecs/cluster:Cluster").state.arn,
            CLAIMS_TABLE: claims.state.name,
        });
        assert.deepStrictEqual(
            [claims.inputs.billingMode, claims.inputs.hashKey, claims.inputs.attributes, claims.inputs.ttl],
            [
                "PAY_PER_REQUEST",
                "taskArn",
                [{ name: "taskArn", type: "S" }],
                { attributeName: "expiresAt", enabled: true },
            ],
            "an on-demand table keyed by the stopped task, its records expiring by TTL",
        );
    });

    it("alarms on failed and timed-out executions and on a task waiting long for a worker", () => {
        const alarms = stack.ofType("aws:cloudwatch/metricAlarm:MetricAlarm").map(a => a.inputs);
        assert.deepStrictEqual(alarms.map(a => a.metricName).sort(), [
            "ActivityScheduleTime",
            "ExecutionsFailed",
            "ExecutionsTimedOut",
        ]);
        for (const a of alarms) assert.strictEqual(a.namespace, "AWS/States");
        assert.deepStrictEqual(alarms.find(a => a.metricName === "ExecutionsFailed")!.dimensions, {
            StateMachineArn: stack.outputs.stateMachineArn,
        });
        assert.deepStrictEqual(alarms.find(a => a.metricName === "ActivityScheduleTime")!.dimensions, {
            ActivityArn: stack.outputs.activityArn,
        });
    });

    it("creates a standard state machine with a timeout, logging and X-Ray tracing", () => {
        const sm = stack.one("aws:sfn/stateMachine:StateMachine").inputs;
        assert.strictEqual(sm.type, "STANDARD");
        assert.deepStrictEqual(sm.tracingConfiguration, { enabled: true });
        assert.strictEqual(sm.loggingConfiguration.level, "ALL");
        assert.strictEqual(sm.loggingConfiguration.includeExecutionData, true);
        assert.match(sm.loggingConfiguration.logDestination, /^arn:aws:logs:.*:\*$/);
        assert.strictEqual(sm.roleArn, stack.one("aws:iam/role:Role", "pipeline-role").state.arn);
        const def = JSON.parse(sm.definition);
        assert.ok(def.TimeoutSeconds > 3600, "the guard for a task no worker takes");
    });

    it("renders the seed's pipeline: run-ecs [trigger-ecs → execute-ecs] → done, a Catch to failed keeping error and cause", async () => {
        const def = JSON.parse(stack.one("aws:sfn/stateMachine:StateMachine").inputs.definition);
        assert.strictEqual(def.StartAt, "run-ecs");
        assert.deepStrictEqual(Object.keys(def.States).sort(), ["done", "failed", "run-ecs"]);
        assert.deepStrictEqual(def.States.failed, {
            Type: "Fail",
            Comment: def.States.failed.Comment,
            ErrorPath: "$.Error",
            CausePath: "$.Cause",
        });
        assert.deepStrictEqual(def.States["run-ecs"].Catch, [{ ErrorEquals: ["States.ALL"], Next: "failed" }]);
        const branch = def.States["run-ecs"].Branches[0];
        assert.strictEqual(
            branch.States["trigger-ecs"].Resource,
            stack.one("aws:lambda/function:Function", "ecs-trigger").state.arn,
        );
        assert.strictEqual(branch.States["execute-ecs"].Resource, stack.outputs.activityArn);
        assert.deepStrictEqual(checkDefinition(def), []);
        assert.deepStrictEqual(await thirdPartyAslErrors(def), []);
    });

    it("exports the state machine ARN, the activity ARN and a command that starts an execution", () => {
        const sm = stack.one("aws:sfn/stateMachine:StateMachine");
        assert.strictEqual(stack.outputs.stateMachineArn, sm.state.arn);
        assert.strictEqual(stack.outputs.activityArn, stack.one("aws:sfn/activity:Activity").state.arn);
        assert.strictEqual(
            stack.outputs.startExecutionCommand,
            `aws stepfunctions start-execution --region us-east-1 --state-machine-arn ${sm.state.arn} --input '{"echo":"hello"}'`,
        );
    });
});

describe("more steps in a program", function () {
    this.timeout(60_000);
    // A fresh mocks engine: other test files may have installed theirs since the dev stack was read.
    const freshEngine = async () => {
        const { project, config } = loadProjectConfig(PROJECT_DIR, "dev");
        return installMocks(project, "dev", config);
    };
    it("collides with the first in no resource name, activity name or state name", async () => {
        const first = await devStack();
        const engine = await freshEngine();
        const second = new FargateActivityStep("transform", {
            cpu: 1024,
            memory: 2048,
            architecture: "ARM64",
            capacity: "FARGATE_SPOT",
            image: "public.ecr.aws/x/worker:1",
        });
        new FargateActivityStep("ecs", { image: "x" });
        await settled();
        const added = stackView(engine.resources.filter(r => r.urn.includes("::transform")));
        const both = stackView(engine.resources);
        assert.notStrictEqual(
            both.one("aws:sfn/activity:Activity", "transform-activity").inputs.name,
            both.one("aws:sfn/activity:Activity", "ecs-activity").inputs.name,
        );
        const urns = engine.resources.map(r => r.urn);
        assert.strictEqual(new Set(urns).size, urns.length, "every URN unique");
        assert.notStrictEqual(
            added.one("aws:sfn/activity:Activity").inputs.name,
            first.one("aws:sfn/activity:Activity", "ecs-activity").inputs.name,
        );
        assert.notStrictEqual(
            added.one("aws:ecs/taskDefinition:TaskDefinition").inputs.family,
            first.one("aws:ecs/taskDefinition:TaskDefinition", "ecs-task").inputs.family,
        );
        assert.strictEqual(added.ofType("awsx:ecr:Image").length, 0, "a given image is not built");
        assert.strictEqual(
            added.one("aws:ecs/taskDefinition:TaskDefinition").inputs.runtimePlatform.cpuArchitecture,
            "ARM64",
        );
        assert.strictEqual(
            added.one("aws:lambda/function:Function", "transform-trigger").inputs.environment.variables.CAPACITY,
            "FARGATE_SPOT",
        );
        const def = renderDefinition(
            Chain.start(second.block()).next(
                new FargateActivityStep("third", {
                    image: "x",
                    subnetIds: ["subnet-1"],
                    assignPublicIp: false,
                }).block(),
            ),
        );
        assert.deepStrictEqual(checkDefinition(def), []);
    });

    it("uses the user's subnets and security groups and creates no network", async () => {
        const engine = await freshEngine();
        new FargateActivityStep("own-net", {
            image: "x",
            subnetIds: ["subnet-1", "subnet-2"],
            securityGroupIds: ["sg-1"],
            assignPublicIp: false,
            clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/shared",
            healLostWorkers: false,
        });
        await settled();
        const added = stackView(engine.resources);
        for (const t of [
            "aws:ec2/vpc:Vpc",
            "aws:ec2/subnet:Subnet",
            "aws:ec2/securityGroup:SecurityGroup",
            "aws:ecs/cluster:Cluster",
        ])
            assert.strictEqual(added.ofType(t).length, 0, t);
        assert.strictEqual(
            added.ofType("aws:cloudwatch/eventRule:EventRule").length,
            0,
            "no healer when healLostWorkers is false",
        );
        const env = added.one("aws:lambda/function:Function").inputs.environment.variables;
        assert.deepStrictEqual(
            [env.SUBNET_IDS, env.SECURITY_GROUP_IDS, env.ASSIGN_PUBLIC_IP, env.CLUSTER_ARN],
            ["subnet-1,subnet-2", "sg-1", "DISABLED", "arn:aws:ecs:us-east-1:000000000000:cluster/shared"],
        );
    });

    it("passes secrets to the container through the task definition, readable by the execution role only", async () => {
        const engine = await freshEngine();
        const db = "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf";
        new FargateActivityStep("with-secrets", {
            image: "x",
            healLostWorkers: false,
            environment: { MODE: "full" },
            secrets: {
                DB_PASSWORD: `${db}:password::`,
                BUCKET: "arn:aws:ssm:us-east-1:000000000000:parameter/etl/bucket",
            },
        });
        await settled();
        const added = stackView(engine.resources);
        const [container] = JSON.parse(added.one("aws:ecs/taskDefinition:TaskDefinition").inputs.containerDefinitions);
        assert.deepStrictEqual(container.secrets, [
            { name: "DB_PASSWORD", valueFrom: `${db}:password::` },
            { name: "BUCKET", valueFrom: "arn:aws:ssm:us-east-1:000000000000:parameter/etl/bucket" },
        ]);
        assert.strictEqual(container.environment.find((e: any) => e.name === "MODE").value, "full");
        const policy = JSON.parse(added.one("aws:iam/rolePolicy:RolePolicy", "with-secrets-execution").inputs.policy);
        assert.deepStrictEqual(
            policy.Statement.filter((s: any) => s.Sid.startsWith("Read")).map((s: any) => s.Resource),
            [[db], ["arn:aws:ssm:us-east-1:000000000000:parameter/etl/bucket"]],
        );
        assert.throws(
            () => new FargateActivityStep("bad-secret", { image: "x", secrets: { TOKEN: "plain-text" } }),
            /must be the ARN of a Secrets Manager secret/,
        );
    });

    it("refuses bad arguments at program time with a clear message", async () => {
        await freshEngine();
        assert.throws(
            () => new FargateActivityStep("bad1", { image: "x", cpu: 256, memory: 4096 }),
            /memory 4096 MiB does not fit cpu 256 on Fargate; valid memory for cpu 256: 512, 1024, 2048/,
        );
        assert.throws(
            () => new FargateActivityStep("bad2", { image: "x", activityName: "has space" }),
            /activity name "has space" contains " "/,
        );
        assert.throws(
            () => new FargateActivityStep("bad3", { image: "x", heartbeatSeconds: 600, timeoutSeconds: 300 }),
            /heartbeatSeconds \(600\) must be below timeoutSeconds \(300\)/,
        );
        assert.throws(
            () => new FargateActivityStep("bad4", { image: "x", subnetIds: [], assignPublicIp: true }),
            /subnetIds is empty/,
        );
        assert.throws(
            () => new FargateActivityStep("bad5", { image: "x", subnetIds: ["subnet-1"] }),
            /set assignPublicIp explicitly/,
        );
        assert.throws(
            () => new FargateActivityStep("bad6", { image: "x", architecture: "arm" as any }),
            /architecture must be one of X86_64, ARM64/,
        );
        assert.throws(
            () => new FargateActivityStep("bad7", { image: "x", logRetentionDays: 10 }),
            /logRetentionDays must be one of 1, 3, 5, 7, 14, 30/,
        );
    });
});
