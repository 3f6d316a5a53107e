// The stack's Lambda functions for the local runtime: each declared function with the code Pulumi
// would upload, and Step Functions' view of invoking one (recorded for the cost forecast).
import { archiveFiles } from "../program/lambda-archive";
import { LambdaFunctionConfig, LambdaRunner, stepFunctionsErrorOf } from "../lambda/runner";
import type { InvokeLambda } from "../sfn/engine";
import type { DeclaredWorld } from "./declared-world";
import type { UsageRecorder } from "./usage-recorder";

export function qualifiedless(arn: string): string {
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    return arn.split(":").slice(0, 7).join(":");
}

/** Each declared function with its code read from the archive Pulumi would upload. */
export async function lambdaFunctions(
    world: DeclaredWorld,
    maxTimeoutSeconds = Infinity,
): Promise<Map<string, LambdaFunctionConfig>> {
    const functions = new Map<string, LambdaFunctionConfig>();
    for (const fn of world.functions) {
        functions.set(fn.arn, {
            functionName: fn.name,
            functionArn: fn.arn,
            code: await archiveFiles(fn.code),
            environment: fn.environment,
            timeoutSeconds: Math.min(fn.timeoutSeconds, maxTimeoutSeconds),
            handler: fn.handler,
        });
    }
    return functions;
}

/** Step Functions' view of Lambda: an invocation's result, or its error as a Lambda.* name. */
export function lambdaInvoker(
    functions: Map<string, LambdaFunctionConfig>,
    lambdas: () => LambdaRunner,
    usage: UsageRecorder,
): InvokeLambda {
    return async (functionArn, payload) => {
        const fn = functions.get(qualifiedless(functionArn));
        if (!fn)
            return {
                ok: false,
                errorType: "Lambda.ResourceNotFoundException",
                errorMessage: `Function not found: ${functionArn}`,
            };
        const result = await usage.invoke(fn, payload, () => lambdas().invoke(fn, payload));
        if (result.ok) return { ok: true, result: result.result };
        const { error, cause } = stepFunctionsErrorOf(result);
        return { ok: false, errorType: error, errorMessage: cause };
    };
}
