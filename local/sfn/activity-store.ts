// Step Functions activities, locally, with AWS semantics: per-activity FIFO
// queues of scheduled tasks, GetActivityTask long polls, tokens handed out exactly once, and the
// TimeoutSeconds/HeartbeatSeconds clocks started when a worker takes the token. Every method that
// can fail throws an AwsServiceError (the endpoint turns it into an AWS-shaped answer) and changes
// nothing when it does. AWS's semantics: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-activities.html
// and https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetActivityTask.html.
import * as crypto from "crypto";
import { AwsServiceError } from "../shared/aws-json-server";
import { longTimer } from "../shared/long-timer";
import type {
    ActivityOutcome,
    ActivityScheduler,
    ActivityTaskObserver,
    ActivityTaskSpec,
    ScheduledActivityTask,
} from "./activity-types";
import { activityArnFor, isValidRegion, nameProblem, parseActivityArn } from "./names";

/** AWS limits (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). */
export const ACTIVITY_LIMITS = {
    maxOutputBytes: 262_144,
    maxErrorChars: 256,
    maxCauseChars: 32_768,
    maxTokenChars: 2048,
    maxWorkerNameChars: 80,
    /** TimeoutSeconds / HeartbeatSeconds when a state sets none. */
    defaultClockSeconds: 99_999_999,
    maxPollSeconds: 60,
} as const;

export interface ActivityStoreOptions {
    /** Region for `createActivity` without one. Default `us-east-1`. */
    region?: string;
    /** Account for `createActivity` without one. Default `000000000000` (the local mocks' account). */
    account?: string;
    /** How long a GetActivityTask with no task waits before answering empty. Default 60 (AWS). */
    maxPollSeconds?: number;
    /** Concurrent polls per activity before ActivityWorkerLimitExceeded. Default 1000. */
    maxPollersPerActivity?: number;
}

export interface ActivityDescription {
    activityArn: string;
    name: string;
    creationDate: Date;
}

export interface GetActivityTaskResult {
    taskToken?: string;
    input?: string;
}

export type TaskStatus = "scheduled" | "started" | "closed";

/** A read-only view of one task, for tests and the execution engine's history. */
export interface ActivityTaskInfo {
    taskToken: string;
    activityArn: string;
    executionArn?: string;
    status: TaskStatus;
    workerName?: string;
    scheduledAt: number;
    startedAt?: number;
    closedAt?: number;
    heartbeats: number;
    outcome?: ActivityOutcome;
}

interface TaskRecord extends ActivityTaskInfo {
    spec: ActivityTaskSpec;
    observer?: ActivityTaskObserver;
    cancelTimeout?: () => void;
    cancelHeartbeat?: () => void;
    resolve(outcome: ActivityOutcome): void;
}

interface Poller {
    workerName?: string;
    signal?: AbortSignal;
    deliver(task: TaskRecord): void;
    /** Answers the poll empty. */
    cancel(): void;
}

interface ActivityRecord extends ActivityDescription {
    queue: TaskRecord[];
    pollers: Poller[];
}

const TOKEN_PREFIX = "AAAA";
const TOKEN_PATTERN = /^AAAA[A-Za-z0-9_-]{128}$/;

function newToken(): string {
    return TOKEN_PREFIX + crypto.randomBytes(96).toString("base64url");
}

function validation(message: string): AwsServiceError {
    return new AwsServiceError("ValidationException", `1 validation error detected: ${message}`);
}

function checkClock(name: string, value: number | undefined): void {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
        throw new TypeError(`${name} must be a positive number of seconds, got ${JSON.stringify(value)}`);
    }
}

export class ActivityStore implements ActivityScheduler {
    readonly region: string;
    readonly account: string;
    readonly maxPollSeconds: number;
    private readonly maxPollers: number;
    private readonly activities = new Map<string, ActivityRecord>();
    private readonly tasks = new Map<string, TaskRecord>();
    private closed = false;

    constructor(options: ActivityStoreOptions = {}) {
        this.region = options.region ?? "us-east-1";
        this.account = options.account ?? "000000000000";
        this.maxPollSeconds = options.maxPollSeconds ?? ACTIVITY_LIMITS.maxPollSeconds;
        this.maxPollers = options.maxPollersPerActivity ?? 1000;
        if (!isValidRegion(this.region)) throw new TypeError(`invalid region ${JSON.stringify(this.region)}`);
        if (!/^\d{12}$/.test(this.account))
            throw new TypeError(`account must be 12 digits, got ${JSON.stringify(this.account)}`);
        if (!(this.maxPollSeconds > 0 && this.maxPollSeconds <= ACTIVITY_LIMITS.maxPollSeconds)) {
            throw new TypeError(`maxPollSeconds must be in (0, 60], got ${this.maxPollSeconds}`);
        }
    }

    // ---- activities ---------------------------------------------------------------------------

    /** CreateActivity: idempotent by name, as AWS (same name → same ARN and creation date). */
    createActivity(name: string, region = this.region, account = this.account): ActivityDescription {
        if (typeof name !== "string")
            throw validation("Value at 'name' failed to satisfy constraint: Member must not be null");
        const problem = nameProblem(name);
        if (problem) throw new AwsServiceError("InvalidName", `Invalid Name: '${name}' ${problem}`);
        return this.registerActivity(activityArnFor(region, account, name));
    }

    /** Makes an activity known by its ARN (as the plan declares it). Idempotent. */
    registerActivity(arn: string): ActivityDescription {
        const parsed = parseActivityArn(arn);
        if (!parsed.ok) throw new AwsServiceError("InvalidArn", `Invalid Arn: '${arn}' ${parsed.problem}`);
        let record = this.activities.get(arn);
        if (!record) {
            record = { activityArn: arn, name: parsed.name, creationDate: new Date(), queue: [], pollers: [] };
            this.activities.set(arn, record);
        }
        return describe(record);
    }

    describeActivity(arn: string): ActivityDescription {
        return describe(this.activity(arn));
    }

    listActivities(): ActivityDescription[] {
        return [...this.activities.values()].map(describe);
    }

    private activity(arn: unknown): ActivityRecord {
        if (typeof arn !== "string")
            throw validation("Value at 'activityArn' failed to satisfy constraint: Member must not be null");
        const parsed = parseActivityArn(arn);
        if (!parsed.ok) throw new AwsServiceError("InvalidArn", `Invalid Arn: '${arn}' ${parsed.problem}`);
        const record = this.activities.get(arn);
        if (!record) throw new AwsServiceError("ActivityDoesNotExist", `Activity Does Not Exist: '${arn}'`);
        return record;
    }

    // ---- the engine's side -------------------------------------------------------------------

    /**
     * Queues a task on its activity (ActivityScheduled). Throws AwsServiceError `ActivityDoesNotExist`
     * (or `InvalidArn`) when the activity is unknown: AWS records that as ActivityScheduleFailed.
     */
    schedule(spec: ActivityTaskSpec, observer?: ActivityTaskObserver): ScheduledActivityTask {
        if (this.closed) throw new Error("the activity store is closed");
        const activity = this.activity(spec.activityArn);
        if (typeof spec.input !== "string") throw new TypeError("ActivityTaskSpec.input must be a JSON string");
        checkClock("timeoutSeconds", spec.timeoutSeconds);
        checkClock("heartbeatSeconds", spec.heartbeatSeconds);
        let resolve!: (outcome: ActivityOutcome) => void;
        const outcome = new Promise<ActivityOutcome>(r => (resolve = r));
        const task: TaskRecord = {
            taskToken: newToken(),
            activityArn: activity.activityArn,
            executionArn: spec.executionArn,
            status: "scheduled",
            scheduledAt: Date.now(),
            heartbeats: 0,
            spec: { ...spec },
            observer,
            resolve,
        };
        this.tasks.set(task.taskToken, task);
        activity.queue.push(task);
        this.dispatch(activity);
        return {
            taskToken: task.taskToken,
            outcome,
            cancel: (reason: string) => this.closeTask(task, { kind: "cancelled", reason }),
        };
    }

    /** Hands queued tasks to waiting polls, oldest first on both sides; skips polls whose client left. */
    private dispatch(activity: ActivityRecord): void {
        while (activity.queue.length > 0 && activity.pollers.length > 0) {
            const poller = activity.pollers.shift()!;
            if (poller.signal?.aborted) continue;
            poller.deliver(activity.queue.shift()!);
        }
    }

    // ---- the worker's side (the endpoint's operations) -----------------------------------------

    /**
     * GetActivityTask: the oldest queued task, else waits up to maxPollSeconds and answers `{}`.
     * When `signal` aborts (the HTTP client went away) the poll leaves the queue of pollers, so a
     * task arriving later waits for the next poller instead of being handed to nobody.
     */
    getActivityTask(activityArn: unknown, workerName?: unknown, signal?: AbortSignal): Promise<GetActivityTaskResult> {
        const activity = this.activity(activityArn);
        if (
            workerName !== undefined &&
            (typeof workerName !== "string" ||
                workerName.length < 1 ||
                workerName.length > ACTIVITY_LIMITS.maxWorkerNameChars)
        ) {
            throw validation(
                `Value at 'workerName' failed to satisfy constraint: Member must have length between 1 and ${ACTIVITY_LIMITS.maxWorkerNameChars}`,
            );
        }
        const name = workerName as string | undefined;
        if (signal?.aborted || this.closed) return Promise.resolve({});
        const queued = activity.queue.shift();
        if (queued) return Promise.resolve(this.start(queued, name));
        if (activity.pollers.length >= this.maxPollers) {
            throw new AwsServiceError(
                "ActivityWorkerLimitExceeded",
                `The maximum number of workers (${this.maxPollers}) concurrently polling ${activity.activityArn} has been reached`,
            );
        }
        return new Promise<GetActivityTaskResult>(resolve => {
            const leave = () => {
                clearTimeout(timer);
                signal?.removeEventListener("abort", onAbort);
                const i = activity.pollers.indexOf(poller);
                if (i >= 0) activity.pollers.splice(i, 1);
            };
            const onAbort = () => {
                leave();
                resolve({});
            };
            const poller: Poller = {
                workerName: name,
                signal,
                deliver: task => {
                    leave();
                    resolve(this.start(task, name));
                },
                cancel: onAbort,
            };
            const timer = setTimeout(onAbort, this.maxPollSeconds * 1000);
            signal?.addEventListener("abort", onAbort, { once: true });
            activity.pollers.push(poller);
        });
    }

    /** ActivityStarted: the token leaves the queue for good and both clocks start. */
    private start(task: TaskRecord, workerName: string | undefined): GetActivityTaskResult {
        const now = Date.now();
        task.status = "started";
        task.workerName = workerName;
        task.startedAt = now;
        const timeoutSeconds = task.spec.timeoutSeconds ?? ACTIVITY_LIMITS.defaultClockSeconds;
        task.cancelTimeout = longTimer(
            timeoutSeconds * 1000,
            () => this.closeTask(task, { kind: "timedOut", error: "States.Timeout" }),
            { unref: true },
        );
        this.armHeartbeat(task);
        notify(() => task.observer?.onStarted?.(workerName));
        return { taskToken: task.taskToken, input: task.spec.input };
    }

    private armHeartbeat(task: TaskRecord): void {
        task.cancelHeartbeat?.();
        const seconds = task.spec.heartbeatSeconds ?? ACTIVITY_LIMITS.defaultClockSeconds;
        task.cancelHeartbeat = longTimer(
            seconds * 1000,
            () => this.closeTask(task, { kind: "timedOut", error: "States.HeartbeatTimeout" }),
            { unref: true },
        );
    }

    sendTaskSuccess(taskToken: unknown, output: unknown): void {
        const task = this.openTask(taskToken);
        if (typeof output !== "string")
            throw validation("Value at 'output' failed to satisfy constraint: Member must not be null");
        const bytes = Buffer.byteLength(output, "utf8");
        if (bytes > ACTIVITY_LIMITS.maxOutputBytes) {
            throw new AwsServiceError(
                "InvalidOutput",
                `The output of ${bytes} bytes exceeds the maximum of ${ACTIVITY_LIMITS.maxOutputBytes} bytes`,
            );
        }
        try {
            JSON.parse(output);
        } catch {
            throw new AwsServiceError("InvalidOutput", "Invalid Output: the output is not valid JSON");
        }
        this.closeTask(task, { kind: "succeeded", output });
    }

    sendTaskFailure(taskToken: unknown, error?: unknown, cause?: unknown): void {
        const task = this.openTask(taskToken);
        if (error !== undefined && error !== null) {
            if (typeof error !== "string" || error.length > ACTIVITY_LIMITS.maxErrorChars) {
                throw validation(
                    `Value at 'error' failed to satisfy constraint: Member must have length less than or equal to ${ACTIVITY_LIMITS.maxErrorChars}`,
                );
            }
        }
        if (cause !== undefined && cause !== null) {
            if (typeof cause !== "string" || cause.length > ACTIVITY_LIMITS.maxCauseChars) {
                throw validation(
                    `Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to ${ACTIVITY_LIMITS.maxCauseChars}`,
                );
            }
        }
        this.closeTask(task, {
            kind: "failed",
            error: (error ?? undefined) as string | undefined,
            cause: (cause ?? undefined) as string | undefined,
        });
    }

    sendTaskHeartbeat(taskToken: unknown): void {
        const task = this.openTask(taskToken);
        task.heartbeats++;
        if (task.status === "started") this.armHeartbeat(task);
        notify(() => task.observer?.onHeartbeat?.());
    }

    /** The open task behind a token, or the error AWS gives for it. */
    private openTask(taskToken: unknown): TaskRecord {
        if (typeof taskToken !== "string" || taskToken.length < 1 || taskToken.length > ACTIVITY_LIMITS.maxTokenChars) {
            throw validation(
                `Value at 'taskToken' failed to satisfy constraint: Member must have length between 1 and ${ACTIVITY_LIMITS.maxTokenChars}`,
            );
        }
        if (!TOKEN_PATTERN.test(taskToken))
            throw new AwsServiceError("InvalidToken", "Invalid Token: the task token could not be decoded");
        const task = this.tasks.get(taskToken);
        if (!task) throw new AwsServiceError("TaskDoesNotExist", "Task Does Not Exist");
        if (task.status === "closed")
            throw new AwsServiceError(
                "TaskTimedOut",
                "Task Timed Out: the task token has expired or the task has already been closed",
            );
        return task;
    }

    private closeTask(task: TaskRecord, outcome: ActivityOutcome): void {
        if (task.status === "closed") return;
        if (task.status === "scheduled") {
            const queue = this.activities.get(task.activityArn)?.queue;
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

    // ---- inspection, for tests and the engine --------------------------------------------------

    task(taskToken: string): ActivityTaskInfo | undefined {
        const t = this.tasks.get(taskToken);
        if (!t) return undefined;
        const {
            taskToken: token,
            activityArn,
            executionArn,
            status,
            workerName,
            scheduledAt,
            startedAt,
            closedAt,
            heartbeats,
            outcome,
        } = t;
        return {
            taskToken: token,
            activityArn,
            executionArn,
            status,
            workerName,
            scheduledAt,
            startedAt,
            closedAt,
            heartbeats,
            outcome,
        };
    }

    /** Tasks scheduled on `activityArn` that no worker has taken yet. */
    queuedTasks(activityArn: string): number {
        return this.activities.get(activityArn)?.queue.length ?? 0;
    }

    /** GetActivityTask requests waiting on `activityArn` right now. */
    waitingPollers(activityArn: string): number {
        return this.activities.get(activityArn)?.pollers.filter(p => !p.signal?.aborted).length ?? 0;
    }

    /** Answers every waiting poll empty, cancels every open task (their outcomes settle), stops all clocks. */
    close(reason = "activity store closed"): void {
        this.closed = true;
        for (const activity of this.activities.values()) {
            for (const poller of [...activity.pollers]) poller.cancel();
        }
        for (const task of this.tasks.values()) this.closeTask(task, { kind: "cancelled", reason });
    }
}

function describe(record: ActivityRecord): ActivityDescription {
    return { activityArn: record.activityArn, name: record.name, creationDate: record.creationDate };
}

/** Observer callbacks belong to the engine; a fault there must not break the store's state. */
function notify(fn: () => void): void {
    try {
        fn();
    } catch (err) {
        process.emitWarning(`activity observer threw: ${String((err as Error)?.stack ?? err)}`);
    }
}
