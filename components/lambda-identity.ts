// What each of a step's Lambdas (trigger, healer) gets besides its code: its own log group with
// the step's retention, a role only Lambda may assume, and one inline policy built from the log
// group's streams ARN (every Lambda may write its own logs and nothing else by default).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy } from "./iam-policies";

export interface LambdaIdentityArgs {
    /** `/fargate-activity/<family>/<purpose>-…` */
    logGroupPrefix: string;
    retentionInDays: pulumi.Input<number>;
    description: string;
    /** The role's inline policy, given `<log group ARN>:*`. */
    policy: (logStreamsArn: pulumi.Output<string>) => object;
}

export interface LambdaIdentity {
    role: aws.iam.Role;
    logGroup: aws.cloudwatch.LogGroup;
}

/** Resources named `name` (role, policy, log group), parented to `parent`. */
export function createLambdaIdentity(name: string, args: LambdaIdentityArgs, parent: pulumi.Resource): LambdaIdentity {
    const logGroup = new aws.cloudwatch.LogGroup(
        name,
        { namePrefix: args.logGroupPrefix, retentionInDays: args.retentionInDays },
        { parent },
    );
    const role = new aws.iam.Role(
        name,
        {
            assumeRolePolicy: pulumi.jsonStringify(assumeRolePolicy("lambda.amazonaws.com")),
            description: args.description,
        },
        { parent },
    );
    new aws.iam.RolePolicy(
        name,
        { role: role.id, policy: pulumi.jsonStringify(args.policy(pulumi.interpolate`${logGroup.arn}:*`)) },
        { parent },
    );
    return { role, logGroup };
}
