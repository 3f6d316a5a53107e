// Ground truth for the healer's tests, read after the run from the executions' histories: which
// ECS task each attempt started, which worker took each activity task and when, and so which lost
// containers left a task that no other container would take.
//
// Every attempt schedules one activity task and starts one container, but a container takes
// whichever task is pending, so a container's "slot" moves: when container C's attempt's task was
// taken by container D, C now covers the task of D's attempt, and so on (a healer's claim for lost
// container L passes L's place on). Following that chain from a lost container, as things stood
// when it stopped, ends at a task nobody had taken: of a running execution (the container left it
// waiting: a heal is due) or of one that had ended (nothing waited for the container).
import { HistoryEvent } from "../../local/sfn/engine";
import type { Watched } from "./executions";

interface Attempt {
    executionArn: string;
    /** When the execution ended, if it did. */
    endedAt?: number;
    /** The worker that took the attempt's activity task, and when, if one did. */
    takenBy?: string;
    takenAt?: number;
}

const TERMINAL = ["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"];
export const taskIdOf = (taskArn: string) => taskArn.split("/").pop()!;

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
        const end = w.events.find(e => TERMINAL.includes(e.type!));
        for (const scheduled of w.events.filter(e => e.type === "ActivityScheduled")) {
            const taskArn = ecsTaskOfSchedule(scheduled);
            if (!taskArn) continue;
            const started = w.events.find(e => e.type === "ActivityStarted" && e.previousEventId === scheduled.id);
            attempts.set(taskIdOf(taskArn), {
                executionArn: w.arn,
                endedAt: end?.timestamp?.getTime(),
                takenBy: started?.activityStartedEventDetails?.workerName,
                takenAt: started?.timestamp?.getTime(),
            });
        }
    }
    return attempts;
}

/**
 * Whether container `taskArn`, stopped at `at` (epoch ms) without having taken a task, left a task
 * waiting then: its chain, as it stood at that moment, ends at an untaken task of a running execution.
 */
export function leftTaskWaiting(attempts: Map<string, Attempt>, taskArn: string, at: number): boolean {
    const visited = new Set<string>();
    let current = taskIdOf(taskArn);
    while (!visited.has(current)) {
        visited.add(current);
        const attempt = attempts.get(current);
        if (!attempt) return false;
        if (attempt.takenBy === undefined || attempt.takenAt! > at)
            return attempt.endedAt === undefined || attempt.endedAt > at;
        current = attempt.takenBy.replace(/^healer-/, "");
    }
    return false;
}
