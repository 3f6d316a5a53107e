// The parts of a FargateActivityStep after its activity and placement: the worker's identity and
// task definition, and the Lambdas that start its containers and heal lost ones. The step's
// constructor hands each to the function here that creates it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createScheduleTimeAlarm } from "./alarms";
import { FARGATE_ACTIVITY_STEP_DEFAULTS as DEFAULTS, FargateActivityStepArgs } from "./fargate-activity-step-args";
import { ARG_CHECKS } from "./fargate-activity-step-validation";
import { createStepHealer } from "./healer-function";
import { checkWhenResolved } from "./inputs";
import { scopedName } from "./names";
import { StepPlacement } from "./step-placement";
import { StepTiming } from "./step-timing";
import { createStepTrigger } from "./trigger-function";
import { StepImage } from "./worker-image";
import { createWorkerIdentity, WorkerIdentity } from "./worker-identity";
import { createWorkerTaskDefinition } from "./worker-task-definition";

/**
 * The arguments that may be outputs, with their defaults (the activity's: unique per project, stack
 * and step); one given as an output is checked when it resolves.
 */
export function stepSettings(name: string, args: FargateActivityStepArgs) {
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

export type StepSettings = ReturnType<typeof stepSettings>;

/** What the parts of one step share. */
export interface StepContext {
    /** The task definition family, which also names the log groups. */
    family: string;
    settings: StepSettings;
    timing: StepTiming;
    activityArn: pulumi.Output<string>;
    placement: StepPlacement;
    /** The tasks of the step's ECS cluster, which its roles are scoped to. */
    clusterTasksArn: pulumi.Output<string>;
    image: StepImage;
}

export interface StepWorker {
    identity: WorkerIdentity;
    taskDefinition: aws.ecs.TaskDefinition;
}

export function createStepWorker(
    name: string,
    args: FargateActivityStepArgs,
    ctx: StepContext,
    parent: pulumi.Resource,
): StepWorker {
    const secrets = args.secrets ?? {};
    const identity = createWorkerIdentity(
        name,
        {
            family: ctx.family,
            retentionInDays: ctx.settings.retentionInDays,
            account: aws.getCallerIdentityOutput({}, { parent }).accountId,
            repositoryArn: ctx.image.repositoryArn,
            secrets,
            activityArn: ctx.activityArn,
            clusterTasksArn: ctx.clusterTasksArn,
        },
        parent,
    );
    const taskDefinition = createWorkerTaskDefinition(
        name,
        {
            family: ctx.family,
            cpu: args.cpu ?? DEFAULTS.cpu,
            memory: args.memory ?? DEFAULTS.memory,
            architecture: ctx.settings.architecture,
            identity,
            imageUri: ctx.image.imageUri,
            environment: args.environment ?? {},
            secrets,
            worker: {
                activityArn: ctx.activityArn,
                region: aws.getRegionOutput({}, { parent }).region,
                heartbeatSeconds: ctx.timing.heartbeatSeconds,
                jobDurationMs: ctx.settings.jobDurationMs,
            },
        },
        parent,
    );
    return { identity, taskDefinition };
}

export interface StepLambdas {
    trigger: { role: aws.iam.Role; fn: aws.lambda.CallbackFunction<unknown, unknown> };
    /** Undefined when healLostWorkers is false. */
    healer?: { role: aws.iam.Role; fn: aws.lambda.CallbackFunction<unknown, unknown> };
}

/** The trigger, the healer (unless turned off) and the schedule-time alarm (if asked for). */
export function createStepLambdas(
    name: string,
    args: FargateActivityStepArgs,
    ctx: StepContext,
    worker: StepWorker,
    parent: pulumi.Resource,
): StepLambdas {
    const { placement } = ctx;
    const lambdaArgs = {
        family: ctx.family,
        retentionInDays: ctx.settings.retentionInDays,
        clusterArn: placement.clusterArn,
        clusterTasksArn: ctx.clusterTasksArn,
        taskDefinition: worker.taskDefinition,
    };
    const trigger = createStepTrigger(
        name,
        {
            ...lambdaArgs,
            roles: worker.identity,
            network: placement,
            capacity: ctx.settings.capacity,
            timeoutSeconds: ctx.timing.triggerLambdaTimeoutSeconds,
            waitForRunningSeconds: ctx.timing.waitForRunningSeconds,
        },
        parent,
    );
    const healer =
        args.healLostWorkers === false
            ? undefined
            : createStepHealer(name, { ...lambdaArgs, activityArn: ctx.activityArn }, parent);
    if (args.scheduleTimeAlarm)
        createScheduleTimeAlarm(name, { ...args.scheduleTimeAlarm, activityArn: ctx.activityArn }, parent);
    return { trigger, healer };
}
