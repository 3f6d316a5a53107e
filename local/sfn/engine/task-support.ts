// What the Lambda and activity Task handlers (./lambda-task.ts, ./activity-task.ts) share: how
// they record history events, and how they read a Task's clocks.
import { closedError, runtimeError } from "./asl-errors";
import { evaluateReferencePath } from "./reference-path";
import { json } from "./event-data";
import type { HistoryEventType } from "./history";
import type { ExecutionRecord } from "./records";

/** Records one event of a Task invocation; does nothing once the execution is over. */
export type RecordTaskEvent = (type: HistoryEventType, details?: object) => void;

/**
 * Begins the history of one Task handler call (anchored after the event that caused it, see
 * ./history.ts) and answers how to record its events. Throws closedError when the execution is over.
 */
export function beginTaskEvents(exec: ExecutionRecord, stateName: string): RecordTaskEvent {
    const inv = exec.history.beginInvocation(stateName);
    if (exec.status !== "RUNNING") throw closedError();
    return (type, details) => {
        if (exec.status === "RUNNING") inv.record(type, details as any);
    };
}

/** TimeoutSeconds/HeartbeatSeconds of a Task from its fixed value or its reference path. */
export function taskSeconds(
    fixed: number | undefined,
    path: string | undefined,
    input: unknown,
    field: string,
): number | undefined {
    if (fixed !== undefined) return fixed;
    if (path === undefined) return undefined;
    const r = evaluateReferencePath(path, input);
    if (!r.found) throw runtimeError(`${field}Path ${path} could not be found in the task input`);
    if (!Number.isInteger(r.value) || (r.value as number) < 1)
        throw runtimeError(`${field}Path ${path} must resolve to a positive integer, got ${json(r.value)}`);
    return r.value as number;
}
