// What the worker container gets besides its image: a log group and two roles, the execution
// role ECS uses to start it (pull the image, write the logs, read the secrets) and the task role
// the worker itself uses (poll and report on its activity).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TASK_TAKEN_TAG_KEY } from "../functions/trigger";
import { assumeRolePolicy, executionRolePolicy, taskRolePolicy } from "./iam-policies";

export interface WorkerIdentityArgs {
    /** The task definition family, which names the log group. */
    family: string;
    retentionInDays: pulumi.Input<number>;
    account: pulumi.Input<string>;
    /** The ECR repository the execution role may pull from, if any. */
    repositoryArn?: pulumi.Input<string>;
    /** The container's secrets: variable name → ARN. */
    secrets: Record<string, pulumi.Input<string>>;
    activityArn: pulumi.Input<string>;
    clusterTasksArn: pulumi.Input<string>;
}

export interface WorkerIdentity {
    logGroup: aws.cloudwatch.LogGroup;
    executionRole: aws.iam.Role;
    taskRole: aws.iam.Role;
}

export function createWorkerIdentity(name: string, args: WorkerIdentityArgs, parent: pulumi.Resource): WorkerIdentity {
    const logGroup = new aws.cloudwatch.LogGroup(
        `${name}-worker`,
        { namePrefix: `/fargate-activity/${args.family}/worker-`, retentionInDays: args.retentionInDays },
        { parent },
    );
    const executionRole = new aws.iam.Role(
        `${name}-execution`,
        {
            assumeRolePolicy: pulumi.jsonStringify(assumeRolePolicy("ecs-tasks.amazonaws.com", args.account)),
            description: "ECS: pull the worker image, write its logs",
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-execution`,
        {
            role: executionRole.id,
            policy: pulumi.all(Object.values(args.secrets)).apply(froms =>
                pulumi.jsonStringify(
                    executionRolePolicy({
                        logGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
                        repositoryArn: args.repositoryArn,
                        secretValueFroms: froms,
                    }),
                ),
            ),
        },
        { parent },
    );
    const taskRole = new aws.iam.Role(
        `${name}-task`,
        {
            assumeRolePolicy: pulumi.jsonStringify(assumeRolePolicy("ecs-tasks.amazonaws.com", args.account)),
            description: "Worker: poll and report on its activity",
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        `${name}-task`,
        {
            role: taskRole.id,
            policy: pulumi.jsonStringify(
                taskRolePolicy({
                    activityArn: args.activityArn,
                    clusterTasksArn: args.clusterTasksArn,
                    takenTagKey: TASK_TAKEN_TAG_KEY,
                }),
            ),
        },
        { parent },
    );
    return { logGroup, executionRole, taskRole };
}
