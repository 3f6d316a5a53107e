// How an execution ends, whatever ends it (its run finishing, StopExecution, its TimeoutSeconds,
// the engine closing): once, with everything it started stopped and its history sealed.
import { DATA } from "./event-data";
import type { HistoryEventType } from "./history";
import type { ExecutionRecord } from "./records";
import type { ExecutionStatus } from "./types";

export interface ExecutionResult {
    output?: string;
    error?: string;
    cause?: string;
}

/**
 * Ends an execution once: sets its status, cancels open activity tasks and Lambda invocations,
 * stops the library run, and seals the history with the terminal event after the library's
 * log has been read to its end. False if it had already ended.
 */
export function terminate(
    exec: ExecutionRecord,
    status: Exclude<ExecutionStatus, "RUNNING">,
    eventType: HistoryEventType,
    result: ExecutionResult,
    reason?: string,
): boolean {
    if (exec.status !== "RUNNING") return false;
    exec.status = status;
    exec.stopDate = new Date();
    exec.output = result.output;
    exec.error = result.error;
    exec.cause = result.cause;
    exec.cancelTimer?.();
    const why = reason ?? `execution ${status.toLowerCase().replace("_", " ")}`;
    for (const task of exec.openTasks) task.cancel(why);
    exec.openTasks.clear();
    for (const controller of exec.invocations) controller.abort(new Error(why));
    exec.invocations.clear();
    if (status === "ABORTED" || status === "TIMED_OUT") exec.run?.abort();

    const details = terminalDetails(eventType, result);
    const at = exec.stopDate.getTime();
    void (exec.drained ?? Promise.resolve()).then(() => {
        exec.history.seal(eventType, details, at);
        exec.markDone();
    });
    return true;
}

/** The details of the terminal event: the output of a success, else the error and cause there are. */
function terminalDetails(eventType: HistoryEventType, result: ExecutionResult): Record<string, unknown> {
    const details: Record<string, unknown> = {};
    const key = `${eventType[0].toLowerCase()}${eventType.slice(1)}EventDetails`;
    if (eventType === "ExecutionSucceeded") details[key] = { output: result.output, outputDetails: DATA };
    else
        details[key] = {
            ...(result.error !== undefined ? { error: result.error } : {}),
            ...(result.cause !== undefined ? { cause: result.cause } : {}),
        };
    return details;
}
