// Step Functions activities, locally, with AWS semantics: per-activity FIFO
// queues of scheduled tasks, GetActivityTask long polls, tokens handed out exactly once, and the
// TimeoutSeconds/HeartbeatSeconds clocks started when a worker takes the token. Every method that
// can fail throws an AwsServiceError (the endpoint turns it into an AWS-shaped answer) and changes
// nothing when it does. AWS's semantics: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-activities.html
// and https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetActivityTask.html.
// The records and tokens are in ./activity-records.ts, the polls in ./activity-polls.ts, a task's
// clocks and closing in ./activity-clocks.ts, the checks of requests in ./activity-checks.ts.
import { AwsServiceError } from "../shared/aws-json-server";
import {
    checkClock,
    checkFailure,
    checkOutput,
    checkTokenLength,
    checkWorkerName,
    validation,
} from "./activity-checks";
import * as clocks from "./activity-clocks";
import { dispatch, waitForTask, waitingPollers } from "./activity-polls";
import {
    ACTIVITY_LIMITS,
    ActivityDescription,
    ActivityRecord,
    ActivityTaskInfo,
    activityDescription,
    GetActivityTaskResult,
    isTaskTokenShape,
    newTaskToken,
    taskInfo,
    TaskRecord,
} from "./activity-records";
import type {
    ActivityOutcome,
    ActivityScheduler,
    ActivityTaskObserver,
    ActivityTaskSpec,
    ScheduledActivityTask,
} from "./activity-types";
import { activityArnFor, isValidRegion, nameProblem, parseActivityArn } from "./names";

export { ACTIVITY_LIMITS } from "./activity-records";
export type { ActivityDescription, ActivityTaskInfo, GetActivityTaskResult, TaskStatus } from "./activity-records";

export interface ActivityStoreOptions {
    /** Region for `createActivity` without one. Default `us-east-1`. */
    region?: string;
    /** Account for `createActivity` without one. Default `000000000000` (the local mocks' account). */
    account?: string;
    /** How long a GetActivityTask with no task waits before answering empty. Default 60 (AWS). */
    maxPollSeconds?: number;
    /** Concurrent polls per activity before ActivityWorkerLimitExceeded. Default 1000. */
    maxPollersPerActivity?: number;
    /**
     * Closed tasks remembered (so a late answer gets TaskTimedOut, not TaskDoesNotExist); the
     * oldest are forgotten beyond this. Default 1000.
     */
    retainClosedTasks?: number;
}

export class ActivityStore implements ActivityScheduler {
    readonly region: string;
    readonly account: string;
    readonly maxPollSeconds: number;
    private readonly maxPollers: number;
    private readonly activities = new Map<string, ActivityRecord>();
    private readonly tasks = new Map<string, TaskRecord>();
    /** Tokens of closed tasks, oldest first (see retainClosedTasks). */
    private readonly closedTokens: string[] = [];
    private readonly retainClosedTasks: number;
    private closed = false;
    /** Closes a task, taking it off its activity's queue if it is still there. */
    private readonly closeTask: clocks.CloseTask = (task, outcome) => {
        if (task.status === "closed") return;
        clocks.closeTask(task, outcome, this.activities.get(task.activityArn)?.queue);
        this.closedTokens.push(task.taskToken);
        while (this.closedTokens.length > this.retainClosedTasks) this.tasks.delete(this.closedTokens.shift()!);
    };
    /** ActivityStarted for a worker (see ./activity-clocks.ts). */
    private readonly start = (task: TaskRecord, workerName: string | undefined): GetActivityTaskResult =>
        clocks.startTask(task, workerName, this.closeTask);

    constructor(options: ActivityStoreOptions = {}) {
        this.region = options.region ?? "us-east-1";
        this.account = options.account ?? "000000000000";
        this.maxPollSeconds = options.maxPollSeconds ?? ACTIVITY_LIMITS.maxPollSeconds;
        this.maxPollers = options.maxPollersPerActivity ?? 1000;
        this.retainClosedTasks = options.retainClosedTasks ?? 1000;
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
        return activityDescription(record);
    }

    describeActivity(arn: string): ActivityDescription {
        return activityDescription(this.activity(arn));
    }

    listActivities(): ActivityDescription[] {
        return [...this.activities.values()].map(activityDescription);
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
            taskToken: newTaskToken(),
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
        dispatch(activity);
        return {
            taskToken: task.taskToken,
            outcome,
            cancel: (reason: string) => this.closeTask(task, { kind: "cancelled", reason }),
        };
    }

    // ---- the worker's side (the endpoint's operations) -----------------------------------------

    /**
     * GetActivityTask: the oldest queued task, else waits up to maxPollSeconds and answers `{}`.
     * When `signal` aborts (the HTTP client went away) the poll leaves the queue of pollers, so a
     * task arriving later waits for the next poller instead of being handed to nobody.
     */
    getActivityTask(activityArn: unknown, workerName?: unknown, signal?: AbortSignal): Promise<GetActivityTaskResult> {
        const activity = this.activity(activityArn);
        const name = checkWorkerName(workerName);
        if (signal?.aborted || this.closed) return Promise.resolve({});
        const queued = activity.queue.shift();
        if (queued) return Promise.resolve(this.start(queued, name));
        if (activity.pollers.length >= this.maxPollers) {
            throw new AwsServiceError(
                "ActivityWorkerLimitExceeded",
                `The maximum number of workers (${this.maxPollers}) concurrently polling ${activity.activityArn} has been reached`,
            );
        }
        return waitForTask(activity, name, this.maxPollSeconds, this.start, signal);
    }

    sendTaskSuccess(taskToken: unknown, output: unknown): void {
        const task = this.openTask(taskToken);
        this.closeTask(task, { kind: "succeeded", output: checkOutput(output) });
    }

    sendTaskFailure(taskToken: unknown, error?: unknown, cause?: unknown): void {
        const task = this.openTask(taskToken);
        this.closeTask(task, { kind: "failed", ...checkFailure(error, cause) });
    }

    sendTaskHeartbeat(taskToken: unknown): void {
        clocks.heartbeat(this.openTask(taskToken), this.closeTask);
    }

    /** The open task behind a token, or the error AWS gives for it. */
    private openTask(taskToken: unknown): TaskRecord {
        const token = checkTokenLength(taskToken);
        if (!isTaskTokenShape(token))
            throw new AwsServiceError("InvalidToken", "Invalid Token: the task token could not be decoded");
        const task = this.tasks.get(token);
        if (!task) throw new AwsServiceError("TaskDoesNotExist", "Task Does Not Exist");
        if (task.status === "closed")
            throw new AwsServiceError(
                "TaskTimedOut",
                "Task Timed Out: the task token has expired or the task has already been closed",
            );
        return task;
    }

    // ---- inspection, for tests and the engine --------------------------------------------------

    task(taskToken: string): ActivityTaskInfo | undefined {
        const t = this.tasks.get(taskToken);
        return t ? taskInfo(t) : undefined;
    }

    /** Tasks scheduled on `activityArn` that no worker has taken yet. */
    queuedTasks(activityArn: string): number {
        return this.activities.get(activityArn)?.queue.length ?? 0;
    }

    /** GetActivityTask requests waiting on `activityArn` right now. */
    waitingPollers(activityArn: string): number {
        return waitingPollers(this.activities.get(activityArn));
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
