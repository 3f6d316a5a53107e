// The trigger Lambda as an inline CallbackFunction: the serializer copies the handler
// (functions/trigger-handler.ts) and the logic it reaches into `__index.js`. createStepTrigger
// gives it its log group and role and the RunTask settings of one step.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TRIGGER_ENV, TriggerResult } from "../functions/trigger";
import { triggerHandler } from "../functions/trigger-handler";
import { triggerRolePolicy } from "./iam-policies";
import { createLambdaIdentity } from "./lambda-identity";
import { programDependencies } from "./lambda-packaging";

export const TRIGGER_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

export interface TriggerFunctionArgs {
    role: aws.iam.Role;
    logGroupName: pulumi.Input<string>;
    timeoutSeconds: number;
    environment: Record<keyof typeof TRIGGER_ENV, pulumi.Input<string>>;
}

export function createTriggerFunction(
    name: string,
    args: TriggerFunctionArgs,
    parent: pulumi.Resource,
): aws.lambda.CallbackFunction<unknown, TriggerResult> {
    const variables: Record<string, pulumi.Input<string>> = {};
    for (const [key, envName] of Object.entries(TRIGGER_ENV))
        variables[envName] = args.environment[key as keyof typeof TRIGGER_ENV];
    return new aws.lambda.CallbackFunction<unknown, TriggerResult>(
        `${name}-trigger`,
        {
            callback: triggerHandler,
            role: args.role,
            runtime: TRIGGER_RUNTIME,
            timeout: args.timeoutSeconds,
            memorySize: 128,
            environment: { variables },
            loggingConfig: { logFormat: "Text", logGroup: args.logGroupName },
            codePathOptions: { extraExcludePackages: programDependencies() },
            description: "Starts a Fargate task for a Step Functions execution (RunTask)",
        },
        { parent },
    );
}

/** Fargate Spot serves ARM64 from platform 1.4.0 on; 8 and 16 vCPU need it too. */
export const FARGATE_PLATFORM_VERSION = "1.4.0";

export interface StepTriggerArgs {
    /** The task definition family, which names the log group. */
    family: string;
    retentionInDays: pulumi.Input<number>;
    taskDefinition: aws.ecs.TaskDefinition;
    /** The roles RunTask hands to the task. */
    roles: { taskRole: aws.iam.Role; executionRole: aws.iam.Role };
    clusterArn: pulumi.Output<string>;
    clusterTasksArn: pulumi.Input<string>;
    network: { subnetIds: pulumi.Output<string[]>; securityGroupIds: pulumi.Output<string[]>; assignPublicIp: boolean };
    capacity: pulumi.Input<string>;
    /** The Lambda's timeout. */
    timeoutSeconds: number;
    /** 0 when the trigger does not wait for RUNNING. */
    waitForRunningSeconds: number;
}

/** The step's trigger: its log group, a role that may run exactly this task family, and the function. */
export function createStepTrigger(
    name: string,
    args: StepTriggerArgs,
    parent: pulumi.Resource,
): { role: aws.iam.Role; fn: aws.lambda.CallbackFunction<unknown, TriggerResult> } {
    const identity = createLambdaIdentity(
        `${name}-trigger`,
        {
            logGroupPrefix: `/fargate-activity/${args.family}/trigger-`,
            retentionInDays: args.retentionInDays,
            description: "Trigger Lambda: RunTask this step's task family",
            policy: logGroupArn =>
                triggerRolePolicy({
                    taskDefinitionFamilyArn: pulumi.interpolate`${args.taskDefinition.arnWithoutRevision}:*`,
                    clusterArn: args.clusterArn,
                    clusterTasksArn: args.clusterTasksArn,
                    taskRoleArn: args.roles.taskRole.arn,
                    executionRoleArn: args.roles.executionRole.arn,
                    logGroupArn,
                }),
        },
        parent,
    );
    const fn = createTriggerFunction(
        name,
        {
            role: identity.role,
            logGroupName: identity.logGroup.name,
            timeoutSeconds: args.timeoutSeconds,
            environment: {
                cluster: args.clusterArn,
                taskDefinition: args.taskDefinition.arn,
                subnets: args.network.subnetIds.apply(ids => ids.join(",")),
                securityGroups: args.network.securityGroupIds.apply(ids => ids.join(",")),
                assignPublicIp: args.network.assignPublicIp ? "ENABLED" : "DISABLED",
                capacity: args.capacity,
                platformVersion: FARGATE_PLATFORM_VERSION,
                waitForRunningSeconds: String(args.waitForRunningSeconds),
            },
        },
        parent,
    );
    return { role: identity.role, fn };
}
