// A Task that calls a Lambda function, through the lambda:invoke integration or with the
// function's ARN as Resource: the call goes to the injected invoker, raced against the Task's
// TimeoutSeconds and against the execution ending.
import { longTimer } from "../../shared/long-timer";
import { aslError, closedError, runtimeError, timeoutError } from "./asl-errors";
import { AWS_DEFAULT_TASK_TIMEOUT_SECONDS, resolveFunctionName, TaskInfo } from "./definition";
import { json } from "./event-data";
import { functionEvents, integrationEvents, LambdaEvents } from "./lambda-events";
import type { EngineContext } from "./context";
import type { ExecutionRecord } from "./records";
import { beginTaskEvents, RecordTaskEvent, taskSeconds } from "./task-support";
import type { LambdaResult } from "./types";

/** The Task handler for a Lambda Task state: the function's result, or an ASL error thrown into the library. */
export async function runLambda(
    ctx: EngineContext,
    exec: ExecutionRecord,
    task: TaskInfo,
    input: any,
): Promise<unknown> {
    const record = beginTaskEvents(exec, task.stateName);
    const timeoutSeconds = taskSeconds(task.timeoutSeconds, task.timeoutSecondsPath, input, "TimeoutSeconds");
    const call = lambdaCall(exec, task, input, timeoutSeconds, record);
    call.events.scheduled();

    const controller = new AbortController();
    exec.invocations.add(controller);
    let cancelTimer: (() => void) | undefined;
    try {
        const timedOut = new Promise<"timeout">(resolve => {
            if (timeoutSeconds !== undefined && timeoutSeconds < AWS_DEFAULT_TASK_TIMEOUT_SECONDS)
                cancelTimer = longTimer(timeoutSeconds * 1000, () => resolve("timeout"));
        });
        const aborted = new Promise<"aborted">(resolve =>
            controller.signal.addEventListener("abort", () => resolve("aborted"), { once: true }),
        );
        let outcome: LambdaResult | "timeout" | "aborted";
        try {
            outcome = await Promise.race([
                ctx.options.invokeLambda(call.functionArn, call.payload, {
                    executionArn: exec.arn,
                    stateName: task.stateName,
                    signal: controller.signal,
                }),
                timedOut,
                aborted,
            ]);
        } catch (err: any) {
            // The invoker itself broke (not a function error): Lambda's service error.
            if (exec.status !== "RUNNING") throw closedError();
            const cause = String(err?.message ?? err);
            call.events.failed("Lambda.ServiceException", cause);
            throw aslError("Lambda.ServiceException", cause);
        }
        if (outcome === "aborted" || exec.status !== "RUNNING") throw closedError();
        if (outcome === "timeout") {
            const cause = `the Lambda invocation did not finish within TimeoutSeconds (${timeoutSeconds})`;
            call.events.timedOut(cause);
            controller.abort(new Error("Task timed out"));
            throw await timeoutError(cause, ctx.timeoutPrototype);
        }
        return settle(call.events, outcome);
    } finally {
        cancelTimer?.();
        exec.invocations.delete(controller);
    }
}

interface LambdaCall {
    functionArn: string;
    payload: unknown;
    events: LambdaEvents;
}

/**
 * Which function a Task calls, with what, and how its events look: the integration's FunctionName
 * (a name, partial or full ARN, with an optional Qualifier) and Payload, or the Resource's ARN with
 * the whole input.
 */
function lambdaCall(
    exec: ExecutionRecord,
    task: TaskInfo,
    input: any,
    timeoutSeconds: number | undefined,
    record: RecordTaskEvent,
): LambdaCall {
    if (task.kind !== "lambdaInvoke") {
        const functionArn = task.functionArn!;
        return { functionArn, payload: input, events: functionEvents(record, functionArn, input, timeoutSeconds) };
    }
    const resolved = resolveFunctionName(input?.FunctionName, exec.machine.region, exec.machine.account);
    if (!resolved)
        throw runtimeError(
            `state ${task.stateName}: FunctionName ${json(input?.FunctionName)} is not a function name or ARN`,
        );
    const functionArn =
        typeof input.Qualifier === "string" && resolved.split(":").length === 7
            ? `${resolved}:${input.Qualifier}`
            : resolved;
    const payload = input.Payload === undefined ? {} : input.Payload;
    return { functionArn, payload, events: integrationEvents(record, exec.machine.region, input, timeoutSeconds) };
}

/** The Task's result for the function's answer; a function error becomes the ASL error it names. */
function settle(events: LambdaEvents, outcome: LambdaResult): unknown {
    if (!outcome.ok) {
        events.failed(outcome.errorType, outcome.errorMessage);
        throw aslError(outcome.errorType || "Error", outcome.errorMessage);
    }
    return events.succeeded(outcome.result === undefined ? null : outcome.result);
}
