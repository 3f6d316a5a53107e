// The healer Lambda's logic. Every attempt of a step schedules one activity task and starts one
// container; pending tasks of an activity go to whichever container polls first. A container that
// stops without having taken a task leaves one task with no container to take it, in
// ActivityScheduled, where no state clock runs. On the ECS "task stopped" event the healer checks
// that the container took no task (the worker tags its ECS task when it takes one) and that its
// attempt did schedule a task (its execution's history holds an ActivityScheduled naming this ECS
// task); then it claims one pending task of the activity and fails it with Worker.Lost, so that
// execution's block retries with a fresh container, and tasks and containers balance again.
// Plain functions over small interfaces, tested without AWS.
import { namedError } from "./errors";
import {
    Clock,
    describeStoppedTask,
    EcsTaskDescription,
    EXECUTION_TAG_KEY,
    realClock,
    TASK_TAKEN_TAG_KEY,
} from "./trigger";

/** Exit codes with which the worker has reported its task itself (0 done or idle, 3 interrupted). */
export const REPORTED_EXIT_CODES = [0, 3];

export interface TaskStateChangeEvent {
    "detail-type"?: string;
    detail?: EcsTaskDescription & { clusterArn?: string };
}

export interface HistoryEvent {
    id: number;
    previousEventId?: number;
    type: string;
    activityScheduledEventDetails?: { resource?: string; input?: string };
    lambdaFunctionFailedEventDetails?: { error?: string; cause?: string };
}

export interface HealerApis {
    describeTask(cluster: string, taskArn: string): Promise<EcsTaskDescription | undefined>;
    /** Newest first, one page. */
    getExecutionHistory(
        executionArn: string,
        nextToken?: string,
    ): Promise<{ events: HistoryEvent[]; nextToken?: string }>;
    getActivityTask(activityArn: string, workerName: string): Promise<{ taskToken?: string; input?: string }>;
    sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

export interface HealerConfig {
    activityArn: string;
    clusterArn: string;
}

export const HEALER_ENV = { activityArn: "ACTIVITY_ARN", clusterArn: "CLUSTER_ARN" } as const;

export type HealOutcome =
    | { action: "ignored"; reason: string }
    | { action: "failed-task"; claimedFor?: string; taskArn: string }
    | { action: "nothing-pending"; taskArn: string };

export function readHealerConfig(env: Record<string, string | undefined>): HealerConfig {
    const activityArn = env[HEALER_ENV.activityArn];
    const clusterArn = env[HEALER_ENV.clusterArn];
    if (!activityArn || !clusterArn)
        throw namedError("Healer.Misconfigured", `${HEALER_ENV.activityArn} and ${HEALER_ENV.clusterArn} must be set`);
    return { activityArn, clusterArn };
}

/** Whether the stopped task's container said it reported its task (then there is nothing to heal). */
export function reportedItself(task: EcsTaskDescription): boolean {
    const code = task.containers?.[0]?.exitCode;
    return code !== undefined && REPORTED_EXIT_CODES.includes(code);
}

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

/** Whether the trigger already failed this attempt because of this task (Trigger.TaskStopped names it). */
export function reportedByTrigger(events: HistoryEvent[], taskArn: string): boolean {
    return events.some(
        e => e.type === "LambdaFunctionFailed" && (e.lambdaFunctionFailedEventDetails?.cause ?? "").includes(taskArn),
    );
}

/** The execution whose activity task the container took, per the worker's tag; undefined if it took none. */
export function takenTaskOf(task: EcsTaskDescription): string | undefined {
    return task.tags?.find(t => t.key === TASK_TAKEN_TAG_KEY)?.value;
}

function executionArnOf(task: EcsTaskDescription): string | undefined {
    return task.tags?.find(t => t.key === EXECUTION_TAG_KEY)?.value;
}

async function readHistory(apis: HealerApis, executionArn: string, maxPages = 20): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let token: string | undefined;
    for (let page = 0; page < maxPages; page++) {
        const answer = await apis.getExecutionHistory(executionArn, token);
        events.push(...answer.events);
        token = answer.nextToken;
        if (!token) break;
    }
    return events;
}

export interface HealOptions {
    /** How long to wait for the execution to schedule the activity after the container stopped. Default 20 s. */
    scheduleGraceMs?: number;
    clock?: Clock;
}

export async function healStoppedTask(
    apis: HealerApis,
    config: HealerConfig,
    event: TaskStateChangeEvent,
    options: HealOptions = {},
): Promise<HealOutcome> {
    const clock = options.clock ?? realClock;
    const detail = event.detail;
    if (!detail?.taskArn || detail.lastStatus !== "STOPPED") return { action: "ignored", reason: "not a stopped task" };
    if (reportedItself(detail))
        return {
            action: "ignored",
            reason: `the worker exited with ${detail.containers![0].exitCode}: it reported its task`,
        };
    const task = (await apis.describeTask(config.clusterArn, detail.taskArn)) ?? detail;
    const executionArn = executionArnOf(task);
    if (!executionArn)
        return { action: "ignored", reason: "the task carries no execution tag (not started by a trigger)" };
    const taken = takenTaskOf(task);
    if (taken)
        return {
            action: "ignored",
            reason: `the container took a task (of ${taken}): its heartbeat or timeout covers it`,
        };

    // The trigger returns before the execute state schedules the task: give it a moment, unless
    // the trigger has already failed the attempt because this task stopped.
    const deadline = clock.now() + (options.scheduleGraceMs ?? 20_000);
    let attempt: HistoryEvent | undefined;
    for (let wait = 0; ; wait++) {
        const events = await readHistory(apis, executionArn);
        if (reportedByTrigger(events, detail.taskArn))
            return { action: "ignored", reason: "the trigger reported this task's stop (Trigger.TaskStopped)" };
        attempt = findAttempt(events, config.activityArn, detail.taskArn);
        if (attempt || clock.now() >= deadline) break;
        await clock.sleep(Math.min(500 * 2 ** wait, 4000));
    }
    if (!attempt) return { action: "ignored", reason: "no activity task was scheduled for this container" };

    // Pending tasks of one activity are interchangeable: each waits for some container, and this
    // one is gone. Failing any one pending task balances tasks and containers again.
    const claimed = await apis.getActivityTask(config.activityArn, `healer-${detail.taskArn.split("/").pop()}`);
    if (!claimed.taskToken) return { action: "nothing-pending", taskArn: detail.taskArn };
    let claimedFor: string | undefined;
    try {
        claimedFor = JSON.parse(claimed.input ?? "{}")?._execution?.executionArn;
    } catch {
        claimedFor = undefined;
    }
    const cause = `the container of ECS task ${detail.taskArn} (execution ${executionArn}) stopped before it took its activity task: ${describeStoppedTask(task)}`;
    await apis.sendTaskFailure(claimed.taskToken, "Worker.Lost", cause.slice(0, 32768));
    return { action: "failed-task", claimedFor, taskArn: detail.taskArn };
}
