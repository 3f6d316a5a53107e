// The healer Lambda as an inline CallbackFunction (functions/healer-handler.ts), subscribed to this
// step's ECS "task stopped" events, and the DynamoDB table of its claim records (one heal per
// stopped container, whatever copies of its event arrive). Like the trigger, its archive is only
// `__index.js`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CLAIM_TABLE_KEY, CLAIM_TABLE_TTL_ATTRIBUTE } from "../functions/claim-table";
import { HEALER_ENV, HealOutcome } from "../functions/healer";
import { healerHandler } from "../functions/healer-handler";
import { healerRolePolicy } from "./iam-policies";
import { createLambdaIdentity } from "./lambda-identity";
import { programDependencies } from "./lambda-packaging";
import { TRIGGER_RUNTIME } from "./trigger-function";

export interface HealerFunctionArgs {
    role: aws.iam.Role;
    logGroupName: pulumi.Input<string>;
    activityArn: pulumi.Input<string>;
    clusterArn: pulumi.Input<string>;
    /** Task definition ARN without revision: the rule matches every revision of the family. */
    taskFamilyArn: pulumi.Input<string>;
    claimsTableName: pulumi.Input<string>;
}

export const HEALER_TIMEOUT_SECONDS = 120;

export function createHealer(
    name: string,
    args: HealerFunctionArgs,
    parent: pulumi.Resource,
): aws.lambda.CallbackFunction<unknown, HealOutcome> {
    const fn = new aws.lambda.CallbackFunction<unknown, HealOutcome>(
        `${name}-healer`,
        {
            callback: healerHandler,
            role: args.role,
            runtime: TRIGGER_RUNTIME,
            // Histories, a 60 s claim poll, a few claim-record writes and one report.
            timeout: HEALER_TIMEOUT_SECONDS,
            memorySize: 128,
            environment: {
                variables: {
                    [HEALER_ENV.activityArn]: args.activityArn,
                    [HEALER_ENV.clusterArn]: args.clusterArn,
                    [HEALER_ENV.claimsTable]: args.claimsTableName,
                },
            },
            loggingConfig: { logFormat: "Text", logGroup: args.logGroupName },
            codePathOptions: { extraExcludePackages: programDependencies() },
            description: "Fails a pending activity task for a container that stopped before taking one (Worker.Lost)",
        },
        { parent },
    );
    const rule = new aws.cloudwatch.EventRule(
        `${name}-task-stopped`,
        {
            description: "This step's Fargate tasks stopping",
            eventPattern: pulumi.jsonStringify({
                source: ["aws.ecs"],
                "detail-type": ["ECS Task State Change"],
                detail: {
                    clusterArn: [args.clusterArn],
                    lastStatus: ["STOPPED"],
                    taskDefinitionArn: [{ prefix: pulumi.interpolate`${args.taskFamilyArn}:` }],
                },
            }),
        },
        { parent },
    );
    const permission = new aws.lambda.Permission(
        `${name}-task-stopped`,
        { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
        { parent },
    );
    new aws.cloudwatch.EventTarget(
        `${name}-task-stopped`,
        { rule: rule.name, arn: fn.arn },
        { parent, dependsOn: [permission] },
    );
    return fn;
}

export interface StepHealerArgs {
    /** The task definition family, which names the log group. */
    family: string;
    retentionInDays: pulumi.Input<number>;
    activityArn: pulumi.Input<string>;
    clusterArn: pulumi.Input<string>;
    clusterTasksArn: pulumi.Input<string>;
    taskDefinition: aws.ecs.TaskDefinition;
}

/**
 * The claim records: on demand (a write per healed container costs $0.625 per million), each kept
 * 7 days by its TTL (deletes by TTL are free).
 */
function createClaimsTable(name: string, parent: pulumi.Resource): aws.dynamodb.Table {
    return new aws.dynamodb.Table(
        `${name}-healer-claims`,
        {
            billingMode: "PAY_PER_REQUEST",
            hashKey: CLAIM_TABLE_KEY,
            attributes: [{ name: CLAIM_TABLE_KEY, type: "S" }],
            ttl: { attributeName: CLAIM_TABLE_TTL_ATTRIBUTE, enabled: true },
        },
        { parent },
    );
}

/** The step's healer: its log group, claims table, a role that may fail this activity's tasks, and the subscribed function. */
export function createStepHealer(
    name: string,
    args: StepHealerArgs,
    parent: pulumi.Resource,
): { role: aws.iam.Role; fn: aws.lambda.CallbackFunction<unknown, HealOutcome> } {
    const claims = createClaimsTable(name, parent);
    const identity = createLambdaIdentity(
        `${name}-healer`,
        {
            logGroupPrefix: `/fargate-activity/${args.family}/healer-`,
            retentionInDays: args.retentionInDays,
            description: "Healer Lambda: fail the task of a container that stopped before taking it",
            policy: logGroupArn =>
                healerRolePolicy({
                    activityArn: args.activityArn,
                    clusterArn: args.clusterArn,
                    clusterTasksArn: args.clusterTasksArn,
                    claimsTableArn: claims.arn,
                    logGroupArn,
                }),
        },
        parent,
    );
    const fn = createHealer(
        name,
        {
            role: identity.role,
            logGroupName: identity.logGroup.name,
            activityArn: args.activityArn,
            clusterArn: args.clusterArn,
            taskFamilyArn: args.taskDefinition.arnWithoutRevision,
            claimsTableName: claims.name,
        },
        parent,
    );
    return { role: identity.role, fn };
}
