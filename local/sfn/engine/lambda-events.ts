// The history events of one Lambda call, in the shape its Task calls for: the lambda:invoke
// service integration records Task* events
// (https://docs.aws.amazon.com/step-functions/latest/dg/connect-lambda.html), a Task whose
// Resource is a function ARN records LambdaFunction* events.
import { DATA, json } from "./event-data";
import type { RecordTaskEvent } from "./task-support";

export interface LambdaEvents {
    /** Scheduled, then started. */
    scheduled(): void;
    failed(error: string, cause: string | undefined): void;
    timedOut(cause: string): void;
    /** Records success and answers the Task's result for `result`, the function's answer. */
    succeeded(result: unknown): unknown;
}

const INVOKE = { resourceType: "lambda", resource: "invoke" } as const;

function timeoutField(timeoutSeconds: number | undefined): { timeoutInSeconds?: number } {
    return timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {};
}

function causeField(cause: string | undefined): { cause?: string } {
    return cause !== undefined ? { cause } : {};
}

/** Events of the lambda:invoke integration; its result wraps the function's answer as Lambda's Invoke does. */
export function integrationEvents(
    record: RecordTaskEvent,
    region: string,
    parameters: unknown,
    timeoutSeconds: number | undefined,
): LambdaEvents {
    return {
        scheduled() {
            record("TaskScheduled", {
                taskScheduledEventDetails: {
                    ...INVOKE,
                    region,
                    parameters: json(parameters),
                    ...timeoutField(timeoutSeconds),
                },
            });
            record("TaskStarted", { taskStartedEventDetails: { ...INVOKE } });
        },
        failed(error, cause) {
            record("TaskFailed", { taskFailedEventDetails: { ...INVOKE, error, ...causeField(cause) } });
        },
        timedOut(cause) {
            record("TaskTimedOut", { taskTimedOutEventDetails: { ...INVOKE, error: "States.Timeout", cause } });
        },
        succeeded(result) {
            const output = { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
            record("TaskSucceeded", {
                taskSucceededEventDetails: { ...INVOKE, output: json(output), outputDetails: DATA },
            });
            return output;
        },
    };
}

/** Events of a Task whose Resource is the function's ARN; its result is the function's answer. */
export function functionEvents(
    record: RecordTaskEvent,
    functionArn: string,
    payload: unknown,
    timeoutSeconds: number | undefined,
): LambdaEvents {
    return {
        scheduled() {
            record("LambdaFunctionScheduled", {
                lambdaFunctionScheduledEventDetails: {
                    resource: functionArn,
                    input: json(payload),
                    inputDetails: DATA,
                    ...timeoutField(timeoutSeconds),
                },
            });
            record("LambdaFunctionStarted");
        },
        failed(error, cause) {
            record("LambdaFunctionFailed", { lambdaFunctionFailedEventDetails: { error, ...causeField(cause) } });
        },
        timedOut(cause) {
            record("LambdaFunctionTimedOut", {
                lambdaFunctionTimedOutEventDetails: { error: "States.Timeout", cause },
            });
        },
        succeeded(result) {
            record("LambdaFunctionSucceeded", {
                lambdaFunctionSucceededEventDetails: { output: json(result), outputDetails: DATA },
            });
            return result;
        },
    };
}
