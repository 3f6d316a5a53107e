// FargateActivityStep: everything one container step of a state machine needs — the activity,
// the Fargate task definition and its roles and logs, the network and cluster (unless given), the
// worker image, and the trigger Lambda — plus its ASL block for the state machine definition.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Capacity, TASK_TAKEN_TAG_KEY } from "../functions/trigger";
import { validateFargateSize } from "./fargate-sizes";
import { createHealer } from "./healer-function";
import { createLambdaIdentity } from "./lambda-identity";
import {
    assumeRolePolicy,
    clusterTasksArn,
    executionHistoryPolicy,
    executionRolePolicy,
    executionsArn,
    healerRolePolicy,
    secretResources,
    taskRolePolicy,
    triggerRolePolicy,
} from "./iam-policies";
import { checked, isPlain, oneOf, wholeNumber } from "./inputs";
import { scopedName, validateActivityName } from "./names";
import { createPublicNetwork } from "./network";
import { StepBlock, StepRetryArgs, StepStateOptions } from "./step-block";
import { stepTiming } from "./step-timing";
import { createWorkerImage } from "./worker-image";
import { createTriggerFunction } from "./trigger-function";

export const FARGATE_ACTIVITY_STEP_TYPE = "fargate-activity:steps:FargateActivityStep";

export type Architecture = "X86_64" | "ARM64";
export const ARCHITECTURES: readonly Architecture[] = ["X86_64", "ARM64"];
export const CAPACITIES: readonly Capacity[] = ["FARGATE", "FARGATE_SPOT"];
/** Fargate Spot serves ARM64 from platform 1.4.0 on; 8 and 16 vCPU need it too. */
export const FARGATE_PLATFORM_VERSION = "1.4.0";
/** Lets a stopped worker finish an open 60 s poll before SIGKILL (Fargate's maximum). */
export const WORKER_STOP_TIMEOUT_SECONDS = 120;
export const WORKER_CONTAINER_NAME = "worker";

export interface FargateActivityStepArgs {
    /** Activity name. Default `<project>-<stack>-<component name>` (unique per stack: activities are global per account and region by name). 1–80 characters. */
    activityName?: pulumi.Input<string>;
    /** Fargate CPU units. Default 256. */
    cpu?: pulumi.Input<number>;
    /** Fargate memory in MiB; must fit `cpu` (see the Fargate size table). Default 512. */
    memory?: pulumi.Input<number>;
    /** CPU architecture of the task and the built image. Default `X86_64`. */
    architecture?: pulumi.Input<Architecture>;
    /** `FARGATE` (default) or `FARGATE_SPOT` (interruptible, cheaper; a cluster you pass must have the FARGATE_SPOT capacity provider associated). */
    capacity?: pulumi.Input<Capacity>;
    /** execute state's TimeoutSeconds: from the worker taking the task to its result. Default 3600. A plain number: it shapes the definition. */
    timeoutSeconds?: number;
    /** execute state's HeartbeatSeconds, below timeoutSeconds; passed to the worker as HEARTBEAT_SECONDS. Default 60. */
    heartbeatSeconds?: number;
    /**
     * The trigger waits until the task is RUNNING and fails with Trigger.TaskStopped (ECS's reason)
     * when it stops first, so a bad image or a crash at start fails fast and is retried. Costs Lambda
     * time while the container starts (typically 30–90 s at 128 MB, about $0.0001 per start). Default true.
     */
    waitForRunning?: boolean;
    /** Longest wait for RUNNING; a task not RUNNING by then is stopped. Default 300. */
    waitForRunningSeconds?: number;
    /** The trigger Lambda's timeout (its state waits 15 s longer). Default waitForRunningSeconds + 60, or 60 without the wait. */
    triggerTimeoutSeconds?: number;
    /** The block's Retry (see RETRYABLE_STEP_ERRORS); false for none. Default 3 retries from 10 s, doubling, full jitter. */
    retry?: StepRetryArgs | false;
    /** JOB_DURATION_MS for the example job (ignored by your own job). Default 10000. */
    jobDurationMs?: pulumi.Input<number>;
    /** More environment variables for the worker container. */
    environment?: Record<string, pulumi.Input<string>>;
    /**
     * Secrets ECS puts into the container's environment, by variable name: the ARN of a Secrets
     * Manager secret (optionally with ECS's `:json-key::` suffix) or of an SSM parameter. The
     * execution role may read exactly these (secrets encrypted with your own KMS key also need
     * kms:Decrypt, which you grant on the key).
     */
    secrets?: Record<string, pulumi.Input<string>>;
    /**
     * Heal executions whose container stopped after RUNNING but before it took its task: a Lambda on
     * this step's ECS task-stopped events fails one pending task with Worker.Lost, and the block
     * retries. The state machine using the step must grant it its history (StepStateMachine does).
     * Default true.
     */
    healLostWorkers?: boolean;
    /** An alarm when an activity task waited longer than this for a worker (AWS/States ActivityScheduleTime). Default: no alarm. */
    scheduleTimeAlarm?: { thresholdSeconds?: number; topicArn?: pulumi.Input<string> };
    /** Retention of the container's and the trigger's logs, in days. Default 30. */
    logRetentionDays?: pulumi.Input<number>;
    /** A ready image URI; when absent the worker image is built from `imageBuild` into a new ECR repository. */
    image?: pulumi.Input<string>;
    /** With `image` from a private ECR repository: its ARN, so the execution role may pull from it. */
    imageRepositoryArn?: pulumi.Input<string>;
    /** Docker build of the worker image. Default: context = this package's root, dockerfile = worker-image/Dockerfile. */
    imageBuild?: { context?: string; dockerfile?: string };
    /** Your own subnets; then no network is created and `assignPublicIp` is required. Default: a new VPC with public subnets in two zones. */
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups for the tasks (with `subnetIds`). Default with the created network: one that allows HTTPS egress only. */
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give tasks a public IP: needed in public subnets without NAT to reach AWS. Required with `subnetIds`; true for the created network. */
    assignPublicIp?: boolean;
    /** An existing ECS cluster ARN. Default: a new cluster with the FARGATE and FARGATE_SPOT capacity providers. */
    clusterArn?: pulumi.Input<string>;
}

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export class FargateActivityStep extends pulumi.ComponentResource {
    readonly activity: aws.sfn.Activity;
    readonly activityArn: pulumi.Output<string>;
    readonly taskDefinition: aws.ecs.TaskDefinition;
    readonly clusterArn: pulumi.Output<string>;
    readonly triggerFunction: aws.lambda.CallbackFunction<unknown, unknown>;
    readonly taskRole: aws.iam.Role;
    readonly executionRole: aws.iam.Role;
    readonly triggerRole: aws.iam.Role;
    readonly logGroup: aws.cloudwatch.LogGroup;
    /** Undefined when healLostWorkers is false. */
    readonly healerFunction?: aws.lambda.CallbackFunction<unknown, unknown>;
    readonly healerRole?: aws.iam.Role;
    readonly imageUri: pulumi.Output<string>;
    readonly subnetIds: pulumi.Output<string[]>;
    readonly securityGroupIds: pulumi.Output<string[]>;
    readonly timeoutSeconds: number;
    readonly heartbeatSeconds: number;
    /** The trigger state's TimeoutSeconds. */
    readonly triggerTimeoutSeconds: number;
    readonly triggerLambdaTimeoutSeconds: number;
    /** 0 when the trigger does not wait for RUNNING. */
    readonly waitForRunningSeconds: number;
    private readonly stepName: string;
    /** The block's Retry settings (undefined: defaults). */
    readonly retry: StepRetryArgs | false | undefined;

    constructor(name: string, args: FargateActivityStepArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(FARGATE_ACTIVITY_STEP_TYPE, name, {}, opts);
        const parent = { parent: this };
        this.stepName = name;
        this.retry = args.retry;

        // Fail at program time, before any resource, on what we can check.
        const timing = stepTiming(name, args);
        this.timeoutSeconds = timing.timeoutSeconds;
        this.heartbeatSeconds = timing.heartbeatSeconds;
        this.waitForRunningSeconds = timing.waitForRunningSeconds;
        this.triggerLambdaTimeoutSeconds = timing.triggerLambdaTimeoutSeconds;
        this.triggerTimeoutSeconds = timing.triggerTimeoutSeconds;
        if (args.subnetIds !== undefined && args.assignPublicIp === undefined) {
            throw new Error(
                `FargateActivityStep "${name}": with your own subnetIds, set assignPublicIp explicitly (true for public subnets without NAT, false behind NAT or VPC endpoints)`,
            );
        }
        if (args.subnetIds === undefined && args.securityGroupIds !== undefined) {
            throw new Error(`FargateActivityStep "${name}": securityGroupIds need subnetIds in the same VPC`);
        }
        // Known sizes are checked now; sizes that are outputs when they resolve.
        if (isPlain(args.cpu) && isPlain(args.memory)) validateFargateSize(args.cpu ?? 256, args.memory ?? 512);
        const size = pulumi.all([args.cpu ?? 256, args.memory ?? 512]).apply(([cpu, memory]) => {
            validateFargateSize(cpu, memory);
            return { cpu: String(cpu), memory: String(memory) };
        });
        const architecture = checked(args.architecture, "X86_64", oneOf("architecture", ARCHITECTURES));
        const capacity = checked(args.capacity, "FARGATE", oneOf("capacity", CAPACITIES));
        const retentionInDays = checked(args.logRetentionDays, 30, v => {
            if (!LOG_RETENTION_DAYS.includes(v))
                throw new Error(`logRetentionDays must be one of ${LOG_RETENTION_DAYS.join(", ")}; got ${v}`);
        });
        const jobDurationMs = checked(args.jobDurationMs, 10000, wholeNumber("jobDurationMs", 0, 86_400_000));
        const activityName = checked(
            args.activityName,
            scopedName([pulumi.getProject(), pulumi.getStack(), name], 80),
            validateActivityName,
        );
        if (
            args.subnetIds !== undefined &&
            !pulumi.Output.isInstance(args.subnetIds) &&
            Array.isArray(args.subnetIds) &&
            args.subnetIds.length === 0
        ) {
            throw new Error(
                `FargateActivityStep "${name}": subnetIds is empty; give at least one subnet (two zones or more spread capacity shortages)`,
            );
        }

        const region = aws.getRegionOutput({}, parent).region;
        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        const family = scopedName([pulumi.getProject(), pulumi.getStack(), name], 255);

        this.activity = new aws.sfn.Activity(`${name}-activity`, { name: activityName }, parent);
        this.activityArn = this.activity.arn;

        // Network: the user's, or a new public one.
        if (args.subnetIds !== undefined) {
            this.subnetIds = pulumi.output(args.subnetIds).apply(ids => {
                if (ids.length === 0) throw new Error(`FargateActivityStep "${name}": subnetIds is empty`);
                return ids;
            });
            this.securityGroupIds = pulumi.output(args.securityGroupIds ?? []) as pulumi.Output<string[]>;
        } else {
            const network = createPublicNetwork(name, this);
            this.subnetIds = network.subnetIds;
            this.securityGroupIds = network.securityGroupIds;
        }
        const assignPublicIp = args.assignPublicIp ?? true;

        if (args.clusterArn !== undefined) {
            this.clusterArn = pulumi.output(args.clusterArn);
        } else {
            const cluster = new aws.ecs.Cluster(`${name}-cluster`, {}, parent);
            new aws.ecs.ClusterCapacityProviders(
                `${name}-capacity`,
                { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] },
                parent,
            );
            this.clusterArn = cluster.arn;
        }

        const clusterTasks = this.clusterArn.apply(clusterTasksArn);

        const image = createWorkerImage(
            name,
            {
                image: args.image,
                imageRepositoryArn: args.imageRepositoryArn,
                imageBuild: args.imageBuild,
                architecture,
            },
            this,
        );
        this.imageUri = image.imageUri;
        const repositoryArn = image.repositoryArn;

        this.logGroup = new aws.cloudwatch.LogGroup(
            `${name}-worker`,
            { namePrefix: `/fargate-activity/${family}/worker-`, retentionInDays },
            parent,
        );

        this.executionRole = new aws.iam.Role(
            `${name}-execution`,
            {
                assumeRolePolicy: pulumi.jsonStringify(assumeRolePolicy("ecs-tasks.amazonaws.com", account)),
                description: "ECS: pull the worker image, write its logs",
            },
            parent,
        );
        const secretEntries = Object.entries(args.secrets ?? {});
        const secretValueFroms = pulumi.all(secretEntries.map(([, from]) => from));
        for (const [variable, from] of secretEntries) {
            if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
                throw new Error(
                    `FargateActivityStep "${name}": secret variable name ${JSON.stringify(variable)} is not a valid environment variable name`,
                );
            if (typeof from === "string") secretResources([from]);
            if (args.environment && variable in args.environment)
                throw new Error(
                    `FargateActivityStep "${name}": ${variable} is both an environment variable and a secret`,
                );
        }
        new aws.iam.RolePolicy(
            `${name}-execution`,
            {
                role: this.executionRole.id,
                policy: secretValueFroms.apply(froms =>
                    pulumi.jsonStringify(
                        executionRolePolicy({
                            logGroupArn: pulumi.interpolate`${this.logGroup.arn}:*`,
                            repositoryArn,
                            secretValueFroms: froms,
                        }),
                    ),
                ),
            },
            parent,
        );
        this.taskRole = new aws.iam.Role(
            `${name}-task`,
            {
                assumeRolePolicy: pulumi.jsonStringify(assumeRolePolicy("ecs-tasks.amazonaws.com", account)),
                description: "Worker: poll and report on its activity",
            },
            parent,
        );
        new aws.iam.RolePolicy(
            `${name}-task`,
            {
                role: this.taskRole.id,
                policy: pulumi.jsonStringify(
                    taskRolePolicy({
                        activityArn: this.activityArn,
                        clusterTasksArn: clusterTasks,
                        takenTagKey: TASK_TAKEN_TAG_KEY,
                    }),
                ),
            },
            parent,
        );

        const environment: Record<string, pulumi.Input<string>> = {
            ...(args.environment ?? {}),
            ACTIVITY_ARN: this.activityArn,
            AWS_REGION: region,
            HEARTBEAT_SECONDS: String(this.heartbeatSeconds),
            JOB_DURATION_MS: jobDurationMs.apply(String),
        };
        this.taskDefinition = new aws.ecs.TaskDefinition(
            `${name}-task`,
            {
                family,
                requiresCompatibilities: ["FARGATE"],
                networkMode: "awsvpc",
                cpu: size.cpu,
                memory: size.memory,
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: architecture },
                executionRoleArn: this.executionRole.arn,
                taskRoleArn: this.taskRole.arn,
                containerDefinitions: pulumi.jsonStringify([
                    {
                        name: WORKER_CONTAINER_NAME,
                        image: this.imageUri,
                        essential: true,
                        stopTimeout: WORKER_STOP_TIMEOUT_SECONDS,
                        environment: Object.entries(environment).map(([n, value]) => ({ name: n, value })),
                        ...(secretEntries.length > 0
                            ? { secrets: secretEntries.map(([n, valueFrom]) => ({ name: n, valueFrom })) }
                            : {}),
                        logConfiguration: {
                            logDriver: "awslogs",
                            options: {
                                "awslogs-group": this.logGroup.name,
                                "awslogs-region": region,
                                "awslogs-stream-prefix": WORKER_CONTAINER_NAME,
                            },
                        },
                    },
                ]),
            },
            parent,
        );

        const trigger = createLambdaIdentity(
            `${name}-trigger`,
            {
                logGroupPrefix: `/fargate-activity/${family}/trigger-`,
                retentionInDays,
                description: "Trigger Lambda: RunTask this step's task family",
                policy: logGroupArn =>
                    triggerRolePolicy({
                        taskDefinitionFamilyArn: pulumi.interpolate`${this.taskDefinition.arnWithoutRevision}:*`,
                        clusterArn: this.clusterArn,
                        clusterTasksArn: clusterTasks,
                        taskRoleArn: this.taskRole.arn,
                        executionRoleArn: this.executionRole.arn,
                        logGroupArn,
                    }),
            },
            this,
        );
        this.triggerRole = trigger.role;

        this.triggerFunction = createTriggerFunction(
            name,
            {
                role: this.triggerRole,
                logGroupName: trigger.logGroup.name,
                timeoutSeconds: this.triggerLambdaTimeoutSeconds,
                environment: {
                    cluster: this.clusterArn,
                    taskDefinition: this.taskDefinition.arn,
                    subnets: this.subnetIds.apply(ids => ids.join(",")),
                    securityGroups: this.securityGroupIds.apply(ids => ids.join(",")),
                    assignPublicIp: assignPublicIp ? "ENABLED" : "DISABLED",
                    capacity,
                    platformVersion: FARGATE_PLATFORM_VERSION,
                    waitForRunningSeconds: String(this.waitForRunningSeconds),
                },
            },
            this,
        );

        if (args.healLostWorkers !== false) {
            const healer = createLambdaIdentity(
                `${name}-healer`,
                {
                    logGroupPrefix: `/fargate-activity/${family}/healer-`,
                    retentionInDays,
                    description: "Healer Lambda: fail the task of a container that stopped before taking it",
                    policy: logGroupArn =>
                        healerRolePolicy({
                            activityArn: this.activityArn,
                            clusterArn: this.clusterArn,
                            clusterTasksArn: clusterTasks,
                            logGroupArn,
                        }),
                },
                this,
            );
            this.healerRole = healer.role;
            this.healerFunction = createHealer(
                name,
                {
                    role: this.healerRole,
                    logGroupName: healer.logGroup.name,
                    activityArn: this.activityArn,
                    clusterArn: this.clusterArn,
                    taskFamilyArn: this.taskDefinition.arnWithoutRevision,
                },
                this,
            );
        }

        if (args.scheduleTimeAlarm) {
            const threshold = args.scheduleTimeAlarm.thresholdSeconds ?? 600;
            wholeNumber("scheduleTimeAlarm.thresholdSeconds", 1, 31_536_000)(threshold);
            const actions = args.scheduleTimeAlarm.topicArn ? [args.scheduleTimeAlarm.topicArn] : [];
            new aws.cloudwatch.MetricAlarm(
                `${name}-schedule-time`,
                {
                    alarmDescription: `An activity task of step ${name} waited more than ${threshold} s for a worker`,
                    namespace: "AWS/States",
                    metricName: "ActivityScheduleTime",
                    dimensions: { ActivityArn: this.activityArn },
                    statistic: "Maximum",
                    period: 60,
                    evaluationPeriods: 1,
                    threshold: threshold * 1000,
                    comparisonOperator: "GreaterThanThreshold",
                    treatMissingData: "notBreaching",
                    alarmActions: actions,
                    okActions: actions,
                },
                parent,
            );
        }

        this.registerOutputs({
            activityArn: this.activityArn,
            taskDefinitionArn: this.taskDefinition.arn,
            clusterArn: this.clusterArn,
            triggerFunctionArn: this.triggerFunction.arn,
            imageUri: this.imageUri,
            subnetIds: this.subnetIds,
            securityGroupIds: this.securityGroupIds,
        });
    }

    /** This step's states as one retryable block for a state machine definition. */
    block(options: StepStateOptions = {}): StepBlock {
        return new StepBlock({
            name: this.stepName,
            triggerFunctionArn: this.triggerFunction.arn,
            activityArn: this.activityArn,
            timeoutSeconds: this.timeoutSeconds,
            heartbeatSeconds: this.heartbeatSeconds,
            triggerTimeoutSeconds: this.triggerTimeoutSeconds,
            retry: this.retry,
            ...options,
        });
    }

    /**
     * Lets the healer read the history of `stateMachineArn`'s executions, which it needs to tell a
     * container that never took its task from one that did. StepStateMachine calls this.
     */
    grantExecutionHistory(
        name: string,
        stateMachineArn: pulumi.Input<string>,
        opts: pulumi.CustomResourceOptions,
    ): aws.iam.RolePolicy | undefined {
        if (!this.healerRole) return undefined;
        return new aws.iam.RolePolicy(
            name,
            {
                role: this.healerRole.id,
                policy: pulumi.jsonStringify(
                    executionHistoryPolicy({ executionsArn: pulumi.output(stateMachineArn).apply(executionsArn) }),
                ),
            },
            opts,
        );
    }

    /** What a state machine's role needs to run this step: invoke the trigger. */
    get invokeArns(): pulumi.Output<string>[] {
        return [this.triggerFunction.arn, pulumi.interpolate`${this.triggerFunction.arn}:*`];
    }
}
