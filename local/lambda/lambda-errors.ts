// What Lambda says when an invocation fails without the handler's own error (a timeout, a runtime
// that exited), and what Step Functions records of a failed invocation.
import { InvokeFailure } from "./types";

/** Lambda's own errors for an invocation that never returned: timeout, or the runtime died. */
const RUNTIME_FAILURES = new Set(["Sandbox.Timedout", "Runtime.ExitError"]);

/**
 * The `{error, cause}` Step Functions records (LambdaFunctionFailed) for a failed invocation. A
 * handler's error keeps its errorType as the error name, with Lambda's error payload as the cause.
 * Failures Lambda itself reports without an error type in the payload (a timeout: `{"errorMessage":
 * "… Task timed out after 3.00 seconds"}`; a runtime that exited) surface as `Lambda.Unknown`, as
 * Step Functions documents for timeouts and out-of-memory ("Handle Lambda service exceptions").
 */
export function stepFunctionsErrorOf(failure: Pick<InvokeFailure, "errorType" | "errorMessage" | "trace">): {
    error: string;
    cause: string;
} {
    if (RUNTIME_FAILURES.has(failure.errorType)) {
        return {
            error: "Lambda.Unknown",
            cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${JSON.stringify({ errorMessage: failure.errorMessage })}`,
        };
    }
    return {
        error: failure.errorType,
        cause: JSON.stringify({
            errorType: failure.errorType,
            errorMessage: failure.errorMessage,
            trace: failure.trace,
        }),
    };
}

/** What Lambda says when the function outlives its timeout. */
export function timeoutMessage(requestId: string, timeoutSeconds: number, at = new Date()): string {
    return `${at.toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

const SIGNAL_WORDS: Record<string, string> = {
    SIGKILL: "killed",
    SIGTERM: "terminated",
    SIGSEGV: "segmentation fault",
    SIGABRT: "aborted",
    SIGINT: "interrupt",
};

/** Lambda's Runtime.ExitError message for a process that ended mid-invocation. */
export function exitMessage(requestId: string, code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal ? `signal: ${SIGNAL_WORDS[signal] ?? signal}` : `exit status ${code}`;
    return `RequestId: ${requestId} Error: Runtime exited with error: ${how}`;
}
