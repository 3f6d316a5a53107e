// The contract between the local activity store (served by the Step Functions endpoint) and the
// local execution engine that schedules activity tasks. AWS semantics: see activity-store.ts.

/** What the engine asks for when an execution enters an activity Task state. */
export interface ActivityTaskSpec {
    activityArn: string;
    /** The task's input, a JSON string (what `GetActivityTask` hands out). */
    input: string;
    /** Seconds from ActivityStarted to States.Timeout; undefined = AWS default 99999999. */
    timeoutSeconds?: number;
    /** Seconds allowed between ActivityStarted/heartbeats; undefined = AWS default 99999999. */
    heartbeatSeconds?: number;
    /** For logs and history only. */
    executionArn?: string;
}

export type ActivityOutcome =
    | { kind: "succeeded"; output: string }
    | { kind: "failed"; error?: string; cause?: string }
    | { kind: "timedOut"; error: "States.Timeout" | "States.HeartbeatTimeout" }
    /** The engine cancelled it (execution stopped/aborted); the token is dead. */
    | { kind: "cancelled"; reason: string };

/** Callbacks the engine passes to observe a task's life (for its history). */
export interface ActivityTaskObserver {
    /** A poller took the token (ActivityStarted). Clocks start now. */
    onStarted?(workerName: string | undefined): void;
    onHeartbeat?(): void;
}

export interface ScheduledActivityTask {
    readonly taskToken: string;
    /** Settles once, when the task closes for any reason. Never rejects. */
    readonly outcome: Promise<ActivityOutcome>;
    /** Closes the task as cancelled; a later SendTask* with its token answers TaskTimedOut. */
    cancel(reason: string): void;
}

export interface ActivityScheduler {
    schedule(spec: ActivityTaskSpec, observer?: ActivityTaskObserver): ScheduledActivityTask;
}
