// The healer Lambda's logic. Every attempt of a step schedules one activity task and starts one
// container; pending tasks of an activity go to whichever container polls first. A container that
// stops without having taken a task may leave a task with no container to take it, in
// ActivityScheduled, where no state clock runs. The healer runs on every "task stopped" event of
// its step's tasks, whatever the container's exit code (a container stopped before its first poll
// exits 0), and decides by what the container did and what still waits:
// - the container took a task (the worker tags its ECS task when it does): its heartbeat or
//   timeout covers that task;
// - otherwise it follows which container took whose task (healer-slots.ts) to the task this one
//   was left to cover; only if that task still waits, in a running execution, does it heal;
// - it heals once per stopped container, whatever copies of the event arrive (healer-claims.ts):
//   it claims one pending task of the activity and fails it with Worker.Lost, so that execution's
//   block retries with a fresh container, and tasks and containers balance again.
// Plain functions over small interfaces, tested without AWS.
import { namedError } from "./errors";
import { ClaimApis, HealOutcome, healOnce } from "./healer-claims";
import { lostContainerSlot, SlotApis } from "./healer-slots";
import { executionArnOfTask } from "./task-execution";
import {
    Clock,
    describeStoppedTask,
    EcsTaskDescription,
    EXECUTION_TAG_KEY,
    realClock,
    TASK_TAKEN_TAG_KEY,
} from "./trigger";

export type { HistoryEvent } from "./healer-history";
export type { ClaimRecords, HealOutcome } from "./healer-claims";

export interface TaskStateChangeEvent {
    "detail-type"?: string;
    detail?: EcsTaskDescription & { clusterArn?: string; version?: number };
}

export interface HealerApis extends SlotApis, ClaimApis {}

export interface HealerConfig {
    activityArn: string;
    clusterArn: string;
    /** The DynamoDB table of claim records. */
    claimsTable: string;
}

export const HEALER_ENV = {
    activityArn: "ACTIVITY_ARN",
    clusterArn: "CLUSTER_ARN",
    claimsTable: "CLAIMS_TABLE",
} as const;

export function readHealerConfig(env: Record<string, string | undefined>): HealerConfig {
    const activityArn = env[HEALER_ENV.activityArn];
    const clusterArn = env[HEALER_ENV.clusterArn];
    const claimsTable = env[HEALER_ENV.claimsTable];
    if (!activityArn || !clusterArn || !claimsTable)
        throw namedError(
            "Healer.Misconfigured",
            `${HEALER_ENV.activityArn}, ${HEALER_ENV.clusterArn} and ${HEALER_ENV.claimsTable} must be set`,
        );
    return { activityArn, clusterArn, claimsTable };
}

/** The execution whose activity task the container took, per the worker's tag; undefined if it took none. */
export function takenTaskOf(task: EcsTaskDescription): string | undefined {
    return task.tags?.find(t => t.key === TASK_TAKEN_TAG_KEY)?.value;
}

/**
 * An id for this invocation's claim: only its holder may change a record. Random enough to tell
 * concurrent invocations apart; no `crypto`, which a bundled Lambda archive may not require.
 */
function newClaimId(clock: Clock): string {
    return `${clock.now().toString(36)}-${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`;
}

export interface HealOptions {
    /** How long to wait for the execution to schedule the activity after the container stopped. Default 20 s. */
    scheduleGraceMs?: number;
    clock?: Clock;
    /** This invocation's claim id (default: a random one). */
    claimId?: string;
    /** Epoch ms until which it may wait for another invocation's claim (default: 90 s from now). */
    deadline?: number;
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
    // The event carries no tags: DescribeTasks has them (and the overrides, as the event does).
    const task = (await apis.describeTask(config.clusterArn, detail.taskArn)) ?? detail;
    const executionArn = executionArnOfTask(task, EXECUTION_TAG_KEY) ?? executionArnOfTask(detail, EXECUTION_TAG_KEY);
    if (!executionArn) return { action: "ignored", reason: "the task names no execution (not started by a trigger)" };
    const taken = takenTaskOf(task);
    if (taken)
        return {
            action: "ignored",
            reason: `the container took a task (of ${taken}): its heartbeat or timeout covers it`,
        };
    const slot = await lostContainerSlot(
        apis,
        { taskArn: detail.taskArn, executionArn },
        {
            activityArn: config.activityArn,
            clusterArn: config.clusterArn,
            clock,
            scheduleGraceMs: options.scheduleGraceMs ?? 20_000,
        },
    );
    if (!slot.owed) return { action: "ignored", reason: slot.reason };
    const cause = `the container of ECS task ${detail.taskArn} (execution ${executionArn}) stopped before it took its activity task, while the task of ${slot.waitingExecution} waited for it: ${describeStoppedTask(task)}`;
    const evidence = {
        waitingExecution: slot.waitingExecution,
        checkedAt: new Date(slot.checkedAt).toISOString(),
        ...(slot.note ? { note: slot.note } : {}),
    };
    return healOnce(
        apis,
        config.activityArn,
        { taskArn: detail.taskArn, cause, evidence },
        {
            claimId: options.claimId ?? newClaimId(clock),
            detailVersion: detail.version,
            nowSeconds: Math.floor(clock.now() / 1000),
        },
        { now: () => clock.now(), sleep: ms => clock.sleep(ms), deadline: options.deadline ?? clock.now() + 90_000 },
    );
}
