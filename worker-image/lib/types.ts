import type { Logger } from "./log";
import type { BackoffPolicy } from "./retry";
import type { ActivityApi } from "./sfn-api";
import type { TaskMarker } from "./task-marker";

/** What a job receives beside its input. */
export interface HandlerContext {
    /**
     * Aborted when the task must stop: the worker is shutting down (reason: a `Worker.Interrupted`
     * error), or Step Functions closed the task (reason: a `Worker.TaskClosed` error). A job should
     * pass it to whatever it waits on; its result is ignored once this has fired.
     */
    signal: AbortSignal;
    /** Sends a heartbeat now (automatic ones run when `heartbeatSeconds` is set). Rejects with a
     *  `Worker.TaskClosed` error (and aborts `signal`) when Step Functions has closed the task. */
    heartbeat(): Promise<void>;
    /** Lines carry the execution ARN and token hash. */
    log: Logger;
    /** From the input's reserved `_execution` key, when the state machine set it. */
    executionArn?: string;
    /** The ECS task the trigger started for this execution (`_execution.taskArn`). */
    triggeredTaskArn?: string;
    /** Short hash of the task token (the token itself is never exposed to logs). */
    tokenHash: string;
    workerName: string;
}

/** A job: returns (or resolves to) the task's output, a JSON-serializable value; throws to fail it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a job declares its input's type; unannotated, it reads JSON as it likes
export type ActivityHandler<Input = any, Output = unknown> = (
    input: Input,
    context: HandlerContext,
) => Output | Promise<Output>;

/**
 * The worker's options. Without `activityArn` the worker reads ACTIVITY_ARN and its other variables
 * from the environment (an option given here wins over its variable); without `shutdownSignal` as
 * well it is the process's main program: it stops on SIGTERM/SIGINT and ends the process with its
 * exit code. With either one it touches nothing process-wide.
 */
export interface ActivityWorkerOptions {
    /** Default: ACTIVITY_ARN. When given, none of the variables named below is read. */
    activityArn?: string;
    handler: ActivityHandler;
    /** Default: AWS_REGION, else AWS_DEFAULT_REGION, else the activity ARN's region. Ignored when `api` is given. */
    region?: string;
    /** Default: WORKER_NAME, else the ECS task id, else host name and pid. */
    workerName?: string;
    /** Tasks to take before stopping; a task counts however it ended. Default MAX_TASKS, else 1. */
    maxTasks?: number;
    /** Stop after this long without a task; checked only when a poll comes back empty. Default IDLE_TIMEOUT_SECONDS, else 300. */
    idleTimeoutSeconds?: number;
    /** Heartbeat every third of this while the job runs. Default HEARTBEAT_SECONDS; unset: no automatic heartbeats. */
    heartbeatSeconds?: number;
    /** Abort to stop gracefully (SIGTERM): an open poll is finished, a running task is interrupted. */
    shutdownSignal?: AbortSignal;
    /** Default: JSON lines on stdout, from LOG_LEVEL (else info) when the environment is read. */
    logger?: Logger;
    /** After a stop is requested, the time left to report (Worker.Interrupted or a finished result). Default 4000 ms. */
    stopReportMs?: number;
    /** Per-request timeout of SendTaskSuccess/Failure. Default 10000 ms. */
    reportTimeoutMs?: number;
}

/**
 * What tests (and code inside this package) may replace: the Step Functions API, the task marker,
 * the environment, clocks, randomness and backoffs. Not part of the public API.
 */
export interface WorkerSeams {
    /** Default: an SFNClient (see createSfnClient). */
    api?: ActivityApi;
    /**
     * Tags this container's ECS task when it takes a task (for the healer). Default: a signed ECS
     * TagResource request when the container metadata endpoint gives the task ARN and the worker
     * made its own SDK client (its credentials sign the request), else none. `false`: never.
     */
    taskMarker?: TaskMarker | false;
    /** Environment for the worker-name lookup and, without an `activityArn`, the configuration. Default process.env. */
    env?: Record<string, string | undefined>;
    /** Injectable waits and randomness (tests). */
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    random?: () => number;
    /** Injectable clock (ms since epoch) for the idle limit and report deadlines. Default Date.now. */
    now?: () => number;
    /** SendTask* retries. Default REPORT_BACKOFF. */
    reportBackoff?: BackoffPolicy;
    /** Waits between failed polls. Default POLL_BACKOFF. */
    pollBackoff?: BackoffPolicy;
}

/** The worker's options with its seams, once its activity is known, as the worker's own modules read them. */
export type WorkerOptions = ActivityWorkerOptions & WorkerSeams & { activityArn: string };

/**
 * Why the worker stopped:
 * - `maxTasks`: it took its tasks; `idle`: no task within the idle limit;
 * - `stopped`: a stop was requested with no task in hand (the open poll came back empty);
 * - `interrupted`: a stop was requested with a task in hand, which was failed with Worker.Interrupted;
 * - `pollRejected`: GetActivityTask was refused for good (unknown activity, no permission);
 * - `pollFailed`: GetActivityTask kept failing until the idle limit;
 * - `invalidConfig`: the main program's environment was invalid (logged as `config.invalid`); nothing was polled.
 */
export type WorkerStopReason =
    "maxTasks" | "idle" | "stopped" | "interrupted" | "pollRejected" | "pollFailed" | "invalidConfig";

export interface WorkerRunResult {
    reason: WorkerStopReason;
    /**
     * 0 done or idle, nothing lost; 2 invalid configuration, or refused by Step Functions; 3 interrupted after
     * reporting Worker.Interrupted; 1 a task's result (or interruption) could not be reported, or
     * polling failed.
     */
    exitCode: 0 | 1 | 2 | 3;
    /** Tasks taken (however they ended). */
    tasks: number;
    /** Tasks whose outcome could not be delivered (Step Functions will time them out). */
    unreported: number;
}
