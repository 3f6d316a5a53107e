// What a finished job becomes on the wire: SendTaskSuccess output, or SendTaskFailure error/cause
// within Step Functions' limits (output ≤ 262144 bytes, error ≤ 256, cause ≤ 32768 chars:
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html and
// https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskFailure.html).
import { errorMessage, errorName, WorkerErrorNames } from "./errors";

export const REPORT_LIMITS = { maxOutputBytes: 262_144, maxErrorChars: 256, maxCauseChars: 32_768 } as const;

export interface TaskFailure {
    error: string;
    cause: string;
}

const TRUNCATED = " …[truncated]";

/** At most `max` UTF-16 units; never splits a surrogate pair; marks a cut with `marker`. */
export function truncate(text: string, max: number, marker = ""): string {
    if (text.length <= max) return text;
    let cut = Math.max(0, max - marker.length);
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    return text.slice(0, cut) + marker;
}

/** A failure within the limits. */
export function failure(error: string, cause: string): TaskFailure {
    return {
        error: truncate(error, REPORT_LIMITS.maxErrorChars),
        cause: truncate(cause, REPORT_LIMITS.maxCauseChars, TRUNCATED),
    };
}

/**
 * A thrown value as Step Functions should see it: `error` = its name (what Retry/Catch match),
 * `cause` = its message, then its stack frames.
 */
export function errorToFailure(err: unknown): TaskFailure {
    const name = errorName(err) ?? "Error";
    const message = errorMessage(err);
    const stack = err instanceof Error && typeof err.stack === "string" ? err.stack : undefined;
    let cause = message;
    if (stack) {
        const header = `${name}: ${message}`;
        const frames = stack.startsWith(header) ? stack.slice(header.length).replace(/^\n/, "") : stack;
        if (frames) cause += `\n${frames}`;
    }
    return failure(name, cause);
}

export type SerializedOutput = { ok: true; json: string; bytes: number } | { ok: false; failure: TaskFailure };

/** The job's return value as SendTaskSuccess output, or why it cannot be sent. */
export function serializeOutput(value: unknown): SerializedOutput {
    let json: string | undefined;
    try {
        json = JSON.stringify(value === undefined ? null : value);
    } catch (err) {
        return {
            ok: false,
            failure: failure(
                WorkerErrorNames.InvalidOutput,
                `The job's output cannot be serialized as JSON: ${errorMessage(err)}`,
            ),
        };
    }
    if (json === undefined)
        return {
            ok: false,
            failure: failure(WorkerErrorNames.InvalidOutput, `The job's output (a ${typeof value}) has no JSON form`),
        };
    const bytes = Buffer.byteLength(json, "utf8");
    if (bytes > REPORT_LIMITS.maxOutputBytes) {
        return {
            ok: false,
            failure: failure(
                WorkerErrorNames.OutputTooLarge,
                `The job's output is ${bytes} bytes of JSON; SendTaskSuccess accepts at most ${REPORT_LIMITS.maxOutputBytes}. Store large results elsewhere (for example S3) and return a reference.`,
            ),
        };
    }
    return { ok: true, json, bytes };
}
