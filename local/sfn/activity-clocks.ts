// A task's life once scheduled: a worker takes it (ActivityStarted, and its TimeoutSeconds and
// HeartbeatSeconds clocks start), heartbeats re-arm the heartbeat clock, and it closes once, with
// the first outcome (an answer, a clock running out, a cancel).
import { longTimer } from "../shared/long-timer";
import type { ActivityOutcome } from "./activity-types";
import { ACTIVITY_LIMITS, GetActivityTaskResult, TaskRecord } from "./activity-records";

/** Closes a task with an outcome (see closeTask); the store binds it to its queues. */
export type CloseTask = (task: TaskRecord, outcome: ActivityOutcome) => void;

/** ActivityStarted: the token leaves the queue for good and both clocks start. */
export function startTask(task: TaskRecord, workerName: string | undefined, close: CloseTask): GetActivityTaskResult {
    const now = Date.now();
    task.status = "started";
    task.workerName = workerName;
    task.startedAt = now;
    const timeoutSeconds = task.spec.timeoutSeconds ?? ACTIVITY_LIMITS.defaultClockSeconds;
    task.cancelTimeout = longTimer(
        timeoutSeconds * 1000,
        () => close(task, { kind: "timedOut", error: "States.Timeout" }),
        { unref: true },
    );
    armHeartbeat(task, close);
    notify(() => task.observer?.onStarted?.(workerName));
    return { taskToken: task.taskToken, input: task.spec.input };
}

/** SendTaskHeartbeat: counted, and the heartbeat clock of a started task starts again. */
export function heartbeat(task: TaskRecord, close: CloseTask): void {
    task.heartbeats++;
    if (task.status === "started") armHeartbeat(task, close);
    notify(() => task.observer?.onHeartbeat?.());
}

function armHeartbeat(task: TaskRecord, close: CloseTask): void {
    task.cancelHeartbeat?.();
    const seconds = task.spec.heartbeatSeconds ?? ACTIVITY_LIMITS.defaultClockSeconds;
    task.cancelHeartbeat = longTimer(
        seconds * 1000,
        () => close(task, { kind: "timedOut", error: "States.HeartbeatTimeout" }),
        { unref: true },
    );
}

/**
 * Closes a task once: a task still queued leaves `queue` (its activity's), its clocks stop, and
 * its outcome settles. A closed task stays closed.
 */
export function closeTask(task: TaskRecord, outcome: ActivityOutcome, queue: TaskRecord[] | undefined): void {
    if (task.status === "closed") return;
    if (task.status === "scheduled") {
        const i = queue ? queue.indexOf(task) : -1;
        if (i >= 0) queue!.splice(i, 1);
    }
    task.status = "closed";
    task.closedAt = Date.now();
    task.outcome = outcome;
    task.cancelTimeout?.();
    task.cancelHeartbeat?.();
    task.resolve(outcome);
}

/** Observer callbacks belong to the engine; a fault there must not break the store's state. */
function notify(fn: () => void): void {
    try {
        fn();
    } catch (err) {
        process.emitWarning(`activity observer threw: ${String((err as Error)?.stack ?? err)}`);
    }
}
