// FargateActivityStep: everything one container step of a state machine needs — the activity,
// the Fargate task definition and its roles and logs, the network and cluster (unless given), the
// worker image, and the trigger Lambda — plus its ASL block for the state machine definition.
// The constructor checks the arguments, then hands each part to the helper that creates it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createScheduleTimeAlarm } from "./alarms";
import { stepCluster } from "./cluster";
import { FARGATE_ACTIVITY_STEP_DEFAULTS as DEFAULTS, FargateActivityStepArgs } from "./fargate-activity-step-args";
import { ARG_CHECKS, validateFargateActivityStepArgs } from "./fargate-activity-step-validation";
import { createStepHealer } from "./healer-function";
import { clusterTasksArn, executionHistoryPolicy, executionsArn } from "./iam-policies";
import { checkWhenResolved } from "./inputs";
import { scopedName } from "./names";
import { stepNetwork } from "./network";
import { StepBlock, StepRetryArgs, StepStateOptions } from "./step-block";
import { createStepTrigger } from "./trigger-function";
import { createWorkerImage } from "./worker-image";
import { createWorkerIdentity } from "./worker-identity";
import { createWorkerTaskDefinition } from "./worker-task-definition";

export { ARCHITECTURES, CAPACITIES, LOG_RETENTION_DAYS } from "./fargate-activity-step-args";
export type { Architecture, FargateActivityStepArgs } from "./fargate-activity-step-args";
export { FARGATE_PLATFORM_VERSION } from "./trigger-function";
export { WORKER_CONTAINER_NAME, WORKER_STOP_TIMEOUT_SECONDS } from "./worker-task-definition";

export const FARGATE_ACTIVITY_STEP_TYPE = "fargate-activity:steps:FargateActivityStep";

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
        this.stepName = name;
        this.retry = args.retry;
        // Fail at program time, before any resource, on what we can check.
        const timing = validateFargateActivityStepArgs(name, args);
        this.timeoutSeconds = timing.timeoutSeconds;
        this.heartbeatSeconds = timing.heartbeatSeconds;
        this.waitForRunningSeconds = timing.waitForRunningSeconds;
        this.triggerLambdaTimeoutSeconds = timing.triggerLambdaTimeoutSeconds;
        this.triggerTimeoutSeconds = timing.triggerTimeoutSeconds;
        const family = scopedName([pulumi.getProject(), pulumi.getStack(), name], 255);
        const { activityName, architecture, capacity, retentionInDays, jobDurationMs } = stepSettings(name, args);
        const region = aws.getRegionOutput({}, { parent: this }).region;
        const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;

        this.activity = new aws.sfn.Activity(`${name}-activity`, { name: activityName }, { parent: this });
        this.activityArn = this.activity.arn;
        const network = stepNetwork(name, args, this);
        this.subnetIds = network.subnetIds;
        this.securityGroupIds = network.securityGroupIds;
        this.clusterArn = stepCluster(name, args.clusterArn, this);
        const clusterTasks = this.clusterArn.apply(clusterTasksArn);
        const image = createWorkerImage(name, { ...args, architecture }, this);
        this.imageUri = image.imageUri;

        const secrets = args.secrets ?? {};
        const worker = createWorkerIdentity(
            name,
            {
                family,
                retentionInDays,
                account,
                repositoryArn: image.repositoryArn,
                secrets,
                activityArn: this.activityArn,
                clusterTasksArn: clusterTasks,
            },
            this,
        );
        this.logGroup = worker.logGroup;
        this.executionRole = worker.executionRole;
        this.taskRole = worker.taskRole;
        this.taskDefinition = createWorkerTaskDefinition(
            name,
            {
                family,
                cpu: args.cpu ?? DEFAULTS.cpu,
                memory: args.memory ?? DEFAULTS.memory,
                architecture,
                identity: worker,
                imageUri: this.imageUri,
                environment: args.environment ?? {},
                secrets,
                worker: {
                    activityArn: this.activityArn,
                    region,
                    heartbeatSeconds: this.heartbeatSeconds,
                    jobDurationMs,
                },
            },
            this,
        );

        const lambdaArgs = {
            family,
            retentionInDays,
            clusterArn: this.clusterArn,
            clusterTasksArn: clusterTasks,
            taskDefinition: this.taskDefinition,
        };
        const trigger = createStepTrigger(
            name,
            {
                ...lambdaArgs,
                roles: worker,
                network: { ...network, assignPublicIp: args.assignPublicIp ?? true },
                capacity,
                timeoutSeconds: this.triggerLambdaTimeoutSeconds,
                waitForRunningSeconds: this.waitForRunningSeconds,
            },
            this,
        );
        this.triggerRole = trigger.role;
        this.triggerFunction = trigger.fn;
        if (args.healLostWorkers !== false) {
            const healer = createStepHealer(name, { ...lambdaArgs, activityArn: this.activityArn }, this);
            this.healerRole = healer.role;
            this.healerFunction = healer.fn;
        }
        if (args.scheduleTimeAlarm)
            createScheduleTimeAlarm(name, { ...args.scheduleTimeAlarm, activityArn: this.activityArn }, this);

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

/**
 * The arguments that may be outputs, with their defaults (the activity's: unique per project, stack
 * and step); one given as an output is checked when it resolves.
 */
function stepSettings(name: string, args: FargateActivityStepArgs) {
    const defaultActivityName = scopedName([pulumi.getProject(), pulumi.getStack(), name], 80);
    return {
        activityName: checkWhenResolved(args.activityName, defaultActivityName, ARG_CHECKS.activityName),
        architecture: checkWhenResolved(args.architecture, DEFAULTS.architecture, ARG_CHECKS.architecture),
        capacity: checkWhenResolved(args.capacity, DEFAULTS.capacity, ARG_CHECKS.capacity),
        retentionInDays: checkWhenResolved(
            args.logRetentionDays,
            DEFAULTS.logRetentionDays,
            ARG_CHECKS.logRetentionDays,
        ),
        jobDurationMs: checkWhenResolved(args.jobDurationMs, DEFAULTS.jobDurationMs, ARG_CHECKS.jobDurationMs),
    };
}
