// The trigger Lambda as an inline CallbackFunction: the serializer copies the handler
// (functions/trigger-handler.ts) and the logic it reaches into `__index.js`.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TRIGGER_ENV, TriggerResult } from "../functions/trigger";
import { triggerHandler } from "../functions/trigger-handler";
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
