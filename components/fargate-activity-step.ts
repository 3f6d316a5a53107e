// FargateActivityStep: everything one container step of a state machine needs — the activity,
// the Fargate task definition and its roles and logs, the trigger and healer Lambdas — plus its ASL
// block for the state machine definition. Its network, ECS cluster and image repository are its
// FargateActivityCluster's, or its own when it has none. The constructor checks the arguments,
// then hands each part to the helper that creates it.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FargateActivityStepArgs } from "./fargate-activity-step-args";
import { validateFargateActivityStepArgs } from "./fargate-activity-step-validation";
import { clusterTasksArn, executionHistoryPolicy, executionsArn } from "./iam-policies";
import { scopedName } from "./names";
import { StepBlock, StepRetryArgs, StepStateOptions } from "./step-block";
import { stepPlacement } from "./step-placement";
import { createStepLambdas, createStepWorker, StepContext, stepSettings } from "./step-resources";
import { FARGATE_ACTIVITY_STEP_TYPE } from "./type-tokens";
import { imageRequest, stepImage } from "./worker-image";

export { ARCHITECTURES, CAPACITIES, LOG_RETENTION_DAYS } from "./fargate-activity-step-args";
export type { Architecture, FargateActivityStepArgs } from "./fargate-activity-step-args";
export { FARGATE_PLATFORM_VERSION } from "./trigger-function";
export { WORKER_CONTAINER_NAME, WORKER_STOP_TIMEOUT_SECONDS } from "./worker-task-definition";
export { FARGATE_ACTIVITY_STEP_TYPE };

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
        const settings = stepSettings(name, args);
        const image = imageRequest(name, args, settings.architecture);

        this.activity = new aws.sfn.Activity(`${name}-activity`, { name: settings.activityName }, { parent: this });
        this.activityArn = this.activity.arn;
        const placement = stepPlacement(name, args, this);
        this.subnetIds = placement.subnetIds;
        this.securityGroupIds = placement.securityGroupIds;
        this.clusterArn = placement.clusterArn;
        const ctx: StepContext = {
            family: scopedName([pulumi.getProject(), pulumi.getStack(), name], 255),
            settings,
            timing,
            activityArn: this.activityArn,
            placement,
            clusterTasksArn: this.clusterArn.apply(clusterTasksArn),
            image: stepImage(args, image, placement.images),
        };
        this.imageUri = ctx.image.imageUri;
        const worker = createStepWorker(name, args, ctx, this);
        this.logGroup = worker.identity.logGroup;
        this.executionRole = worker.identity.executionRole;
        this.taskRole = worker.identity.taskRole;
        this.taskDefinition = worker.taskDefinition;
        const lambdas = createStepLambdas(name, args, ctx, worker, this);
        this.triggerRole = lambdas.trigger.role;
        this.triggerFunction = lambdas.trigger.fn;
        this.healerRole = lambdas.healer?.role;
        this.healerFunction = lambdas.healer?.fn;
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
