// Ground truth for the healer's tests, read after the run from the executions' histories: which
// ECS task each attempt started, which worker took each activity task, and so which lost
// containers left a task that no other container would take.
//
// Every attempt schedules one activity task and starts one container, but a container takes
// whichever task is pending, so a container's "slot" moves: when container C's attempt's task was
// taken by container D, C now covers the task of D's attempt, and so on. Following that chain
// from a lost container C ends at a task no container took: one its execution's end closed (then
// nothing waited for C), or one a healer claimed for C (C left a task waiting: the heal).
import { HistoryEvent } from "../../local/sfn/engine";
import type { Watched } from "./executions";

interface Attempt {
    executionArn: string;
    ended: boolean;
    /** The worker that took the attempt's activity task, if one did. */
    takenBy?: string;
}

const TERMINAL = new Set(["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"]);
const taskId = (taskArn: string) => taskArn.split("/").pop()!;

function ecsTaskOfSchedule(event: HistoryEvent): string | undefined {
    try {
        return JSON.parse(event.activityScheduledEventDetails?.input ?? "")?._execution?.taskArn;
    } catch {
        return undefined;
    }
}

/** Each ECS task's attempt (by task id), from every watched execution's history. */
export function attemptsByContainer(executions: Watched[]): Map<string, Attempt> {
    const attempts = new Map<string, Attempt>();
    for (const w of executions) {
        const ended = w.events.some(e => TERMINAL.has(e.type!));
        for (const scheduled of w.events.filter(e => e.type === "ActivityScheduled")) {
            const taskArn = ecsTaskOfSchedule(scheduled);
            if (!taskArn) continue;
            const started = w.events.find(e => e.type === "ActivityStarted" && e.previousEventId === scheduled.id);
            attempts.set(taskId(taskArn), {
                executionArn: w.arn,
                ended,
                takenBy: started?.activityStartedEventDetails?.workerName,
            });
        }
    }
    return attempts;
}

/**
 * Whether lost container `taskArn` left a task waiting: its chain ends at a task a healer claimed
 * for it. False when the chain ends at a task its execution's end closed, or comes back to the
 * container (it took a task after all).
 */
export function leftTaskWaiting(attempts: Map<string, Attempt>, taskArn: string): boolean {
    const origin = taskId(taskArn);
    const visited = new Set<string>();
    let current = origin;
    while (!visited.has(current)) {
        visited.add(current);
        const attempt = attempts.get(current);
        if (!attempt?.takenBy) return false;
        if (attempt.takenBy === `healer-${origin}`) return true;
        current = attempt.takenBy.replace(/^healer-/, "");
    }
    return false;
}
