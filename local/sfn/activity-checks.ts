// The checks the local activity store makes on what it is given, with the errors and wording AWS
// answers with; each throws before anything has changed. The members' constraints:
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetActivityTask.html,
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html,
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html.
import { AwsServiceError } from "../shared/aws-json-server";
import { ACTIVITY_LIMITS } from "./activity-records";

export function validation(message: string): AwsServiceError {
    return new AwsServiceError("ValidationException", `1 validation error detected: ${message}`);
}

/** A TimeoutSeconds/HeartbeatSeconds the engine asks for (a programming error, not an AWS one). */
export function checkClock(name: string, value: number | undefined): void {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        throw new TypeError(`${name} must be a positive number of seconds, got ${JSON.stringify(value)}`);
    }
}

/** GetActivityTask's workerName, when given. */
export function checkWorkerName(workerName: unknown): string | undefined {
    if (
        workerName !== undefined &&
        (typeof workerName !== "string" ||
            workerName.length < 1 ||
            workerName.length > ACTIVITY_LIMITS.maxWorkerNameChars)
    ) {
        throw validation(
            `Value at 'workerName' failed to satisfy constraint: Member must have length between 1 and ${ACTIVITY_LIMITS.maxWorkerNameChars}`,
        );
    }
    return workerName as string | undefined;
}

/** SendTaskSuccess's output: JSON text of at most 256 KiB. */
export function checkOutput(output: unknown): string {
    if (typeof output !== "string")
        throw validation("Value at 'output' failed to satisfy constraint: Member must not be null");
    const bytes = Buffer.byteLength(output, "utf8");
    if (bytes > ACTIVITY_LIMITS.maxOutputBytes) {
        throw new AwsServiceError(
            "InvalidOutput",
            `The output of ${bytes} bytes exceeds the maximum of ${ACTIVITY_LIMITS.maxOutputBytes} bytes`,
        );
    }
    try {
        JSON.parse(output);
    } catch {
        throw new AwsServiceError("InvalidOutput", "Invalid Output: the output is not valid JSON");
    }
    return output;
}

/** SendTaskFailure's error and cause, both optional; null counts as absent. */
export function checkFailure(error: unknown, cause: unknown): { error?: string; cause?: string } {
    if (error !== undefined && error !== null) {
        if (typeof error !== "string" || error.length > ACTIVITY_LIMITS.maxErrorChars) {
            throw validation(
                `Value at 'error' failed to satisfy constraint: Member must have length less than or equal to ${ACTIVITY_LIMITS.maxErrorChars}`,
            );
        }
    }
    if (cause !== undefined && cause !== null) {
        if (typeof cause !== "string" || cause.length > ACTIVITY_LIMITS.maxCauseChars) {
            throw validation(
                `Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to ${ACTIVITY_LIMITS.maxCauseChars}`,
            );
        }
    }
    return { error: (error ?? undefined) as string | undefined, cause: (cause ?? undefined) as string | undefined };
}

/** A task token's length, as the API's constraint on the member. */
export function checkTokenLength(taskToken: unknown): string {
    if (typeof taskToken !== "string" || taskToken.length < 1 || taskToken.length > ACTIVITY_LIMITS.maxTokenChars) {
        throw validation(
            `Value at 'taskToken' failed to satisfy constraint: Member must have length between 1 and ${ACTIVITY_LIMITS.maxTokenChars}`,
        );
    }
    return taskToken;
}
