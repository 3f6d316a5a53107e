// One invocation, as Lambda runs it: take a warm environment of the function (or start one and
// wait for its init), send it the event, and wait for the result until the function's timeout.
// An environment that timed out, exited or misbehaved is discarded; the next invocation starts cold.
import * as crypto from "crypto";
import { EnvironmentEvent, ExecutionEnvironment } from "./execution-environment";
import { FunctionPool } from "./function-pool";
import { versionOf } from "./function-version";
import { exitMessage, timeoutMessage } from "./lambda-errors";
import { InvokeFailure, InvokeResult, LambdaFunctionConfig } from "./types";

const RESPONSE_LIMIT = 6 * 1024 * 1024;

export interface InvocationContext {
    region: string;
    account: string;
    /** Lambda's init phase limit. */
    initTimeoutMs: number;
    /** The pool of the function's version; undefined once the runner is closed. */
    poolFor(config: LambdaFunctionConfig): FunctionPool | undefined;
}

/** An invocation's request id and clock, and the failure and success it reports. */
class Invocation {
    readonly requestId = crypto.randomUUID();
    private readonly started = performance.now();

    fail(errorType: string, errorMessage: string, trace: string[] = []): InvokeFailure {
        return {
            ok: false,
            errorType,
            errorMessage,
            trace,
            requestId: this.requestId,
            durationMs: performance.now() - this.started,
        };
    }

    succeed(result: unknown): InvokeResult {
        return { ok: true, result, requestId: this.requestId, durationMs: performance.now() - this.started };
    }
}

export async function invokeFunction(
    context: InvocationContext,
    config: LambdaFunctionConfig,
    event: unknown,
): Promise<InvokeResult> {
    const invocation = new Invocation();
    const pool = context.poolFor(config);
    if (!pool) return invocation.fail("Runtime.PlatformError", "the local Lambda runner is closed");
    const lease = await pool.acquire();
    if (!lease) return invocation.fail("Runtime.PlatformError", "the local Lambda runner is closed");
    const { env } = lease;
    if (lease.cold) {
        const init = await env.next(context.initTimeoutMs);
        if (init.type !== "ready") {
            await pool.discard(env);
            return initFailure(invocation, init, context.initTimeoutMs);
        }
    }
    const timeoutSeconds = config.timeoutSeconds ?? 3;
    const deadline = Date.now() + timeoutSeconds * 1000;
    let eventJson: string;
    try {
        eventJson = JSON.stringify(event === undefined ? null : event);
    } catch (err: any) {
        pool.release(env);
        return invocation.fail("InvalidRequestContentException", `Could not serialize the event: ${err.message}`);
    }
    env.send(invokeMessage(context, config, invocation.requestId, deadline, eventJson));
    const reply = await env.next(Math.max(0, deadline - Date.now()));
    return outcomeOf(invocation, reply, pool, env, timeoutSeconds);
}

/** Why a new environment did not become ready. */
function initFailure(invocation: Invocation, init: EnvironmentEvent, initTimeoutMs: number): InvokeFailure {
    if (init.type === "initError" || init.type === "crash")
        return invocation.fail(init.errorType, init.errorMessage, init.trace);
    if (init.type === "timeout")
        return invocation.fail("Sandbox.Timedout", `INIT timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds`);
    if (init.type === "exit")
        return invocation.fail("Runtime.ExitError", exitMessage(invocation.requestId, init.code, init.signal));
    return invocation.fail("Runtime.PlatformError", `unexpected message ${init.type} during init`);
}

/** The host's "invoke" message: the event and the context object's fields. */
function invokeMessage(
    context: InvocationContext,
    config: LambdaFunctionConfig,
    requestId: string,
    deadline: number,
    eventJson: string,
): unknown {
    const functionArn =
        config.functionArn ?? `arn:aws:lambda:${context.region}:${context.account}:function:${config.functionName}`;
    return {
        type: "invoke",
        requestId,
        deadline,
        event: eventJson,
        meta: {
            functionName: config.functionName,
            functionVersion: "$LATEST",
            invokedFunctionArn: functionArn,
            memoryLimitInMB: String(config.memorySizeMb ?? 128),
            logGroupName: `/aws/lambda/${config.functionName}`,
            logStreamName: `local/[$LATEST]${versionOf(config)}`,
        },
    };
}

/** The invocation's result from the environment's reply; the environment is released or discarded. */
async function outcomeOf(
    invocation: Invocation,
    reply: EnvironmentEvent,
    pool: FunctionPool,
    env: ExecutionEnvironment,
    timeoutSeconds: number,
): Promise<InvokeResult> {
    const { requestId } = invocation;
    if (reply.type === "timeout") {
        // Lambda ends the environment of a timed-out invocation; the next one starts cold.
        await pool.discard(env);
        return invocation.fail("Sandbox.Timedout", timeoutMessage(requestId, timeoutSeconds));
    }
    if (reply.type === "exit") {
        await pool.discard(env);
        return invocation.fail("Runtime.ExitError", exitMessage(requestId, reply.code, reply.signal));
    }
    if (reply.type !== "result" || reply.requestId !== requestId) {
        await pool.discard(env);
        return reply.type === "crash"
            ? invocation.fail(reply.errorType, reply.errorMessage, reply.trace)
            : invocation.fail("Runtime.PlatformError", `unexpected message ${reply.type} from the environment`);
    }
    if (reply.fatal) await pool.discard(env);
    else pool.release(env);
    if (!reply.ok) return invocation.fail(reply.errorType, reply.errorMessage, reply.trace);
    if (Buffer.byteLength(reply.payload) > RESPONSE_LIMIT) {
        return invocation.fail(
            "Function.ResponseSizeTooLarge",
            `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT} bytes).`,
        );
    }
    return invocation.succeed(JSON.parse(reply.payload));
}
