// What the healer reads in an execution's history: the attempt a container was started for (its
// ActivityScheduled names the ECS task in its input), what closed that attempt's activity task,
// whether the execution has ended, and whether the trigger already reported the container's stop.
// Step Functions links an activity's events by `previousEventId`: ActivityStarted (or
// ActivityScheduleFailed…) points at the ActivityScheduled it follows
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html).

export interface HistoryEvent {
    id: number;
    previousEventId?: number;
    type: string;
    activityScheduledEventDetails?: { resource?: string; input?: string };
    activityStartedEventDetails?: { workerName?: string };
    lambdaFunctionFailedEventDetails?: { error?: string; cause?: string };
}

// Lists, not Sets: the closure serializer that copies this module into the Lambda cannot copy a Set.
/** Events that end an execution: after one, nothing of it waits for a container. */
const EXECUTION_ENDS = ["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"];
/** Events that close a scheduled activity task (or follow it once a worker took it). */
const CLOSES_SCHEDULED = [
    "ActivityStarted",
    "ActivityScheduleFailed",
    "ActivityFailed",
    "ActivityTimedOut",
    "ActivitySucceeded",
];

function taskArnOfInput(input: string | undefined): string | undefined {
    try {
        return JSON.parse(input ?? "")?._execution?.taskArn;
    } catch {
        return undefined;
    }
}

/** The ActivityScheduled event of the attempt this ECS task was started for, if the attempt got that far. */
export function findAttempt(events: HistoryEvent[], activityArn: string, taskArn: string): HistoryEvent | undefined {
    return events.find(
        e =>
            e.type === "ActivityScheduled" &&
            e.activityScheduledEventDetails?.resource === activityArn &&
            taskArnOfInput(e.activityScheduledEventDetails?.input) === taskArn,
    );
}

/** The event that closed the attempt's scheduled task (ActivityStarted when a worker took it), if any. */
export function closingEvent(events: HistoryEvent[], scheduled: HistoryEvent): HistoryEvent | undefined {
    return events.find(e => e.previousEventId === scheduled.id && CLOSES_SCHEDULED.includes(e.type));
}

export function executionEnded(events: HistoryEvent[]): boolean {
    return events.some(e => EXECUTION_ENDS.includes(e.type));
}

/** Whether the trigger already failed this attempt because of this task (Trigger.TaskStopped names it). */
export function reportedByTrigger(events: HistoryEvent[], taskArn: string): boolean {
    return events.some(
        e => e.type === "LambdaFunctionFailed" && (e.lambdaFunctionFailedEventDetails?.cause ?? "").includes(taskArn),
    );
}
