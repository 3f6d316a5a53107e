// The trigger Lambda as an inline CallbackFunction: the closure is serialized into `__index.js`,
// so it requires the SDK inside its body (the Node.js runtime provides SDK v3) and reaches the
// handler logic in functions/, which the serializer copies in.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EcsRunTask, readTriggerConfig, triggerTask, TRIGGER_ENV, TriggerResult } from "../functions/trigger";
import { programDependencies } from "./lambda-packaging";

export const TRIGGER_RUNTIME = aws.lambda.Runtime.NodeJS22dX;

export interface TriggerFunctionArgs {
    role: aws.iam.Role;
    logGroupName: pulumi.Input<string>;
    timeoutSeconds: number;
    environment: Record<keyof typeof TRIGGER_ENV, pulumi.Input<string>>;
}

/** The Lambda handler; exported so tests can check what the serializer makes of it. */
export async function triggerHandler(event: unknown): Promise<TriggerResult> {
    const g = globalThis as { __triggerEcs?: EcsRunTask };
    if (!g.__triggerEcs) {
        const { ECSClient, RunTaskCommand, DescribeTasksCommand, StopTaskCommand } = require("@aws-sdk/client-ecs");
        const client = new ECSClient({});
        // One client per container, reused by warm invocations.
        g.__triggerEcs = {
            runTask: request => client.send(new RunTaskCommand(request)),
            describeTasks: request => client.send(new DescribeTasksCommand(request)),
            stopTask: request => client.send(new StopTaskCommand(request)),
        };
    }
    return triggerTask(g.__triggerEcs, readTriggerConfig(process.env), event);
}

export function createTriggerFunction(name: string, args: TriggerFunctionArgs, parent: pulumi.Resource): aws.lambda.CallbackFunction<unknown, TriggerResult> {
    const variables: Record<string, pulumi.Input<string>> = {};
    for (const [key, envName] of Object.entries(TRIGGER_ENV)) variables[envName] = args.environment[key as keyof typeof TRIGGER_ENV];
    return new aws.lambda.CallbackFunction<unknown, TriggerResult>(`${name}-trigger`, {
        callback: triggerHandler,
        role: args.role,
        runtime: TRIGGER_RUNTIME,
        timeout: args.timeoutSeconds,
        memorySize: 128,
        environment: { variables },
        loggingConfig: { logFormat: "Text", logGroup: args.logGroupName },
        codePathOptions: { extraExcludePackages: programDependencies() },
        description: "Starts a Fargate task for a Step Functions execution (RunTask)",
    }, { parent });
}
