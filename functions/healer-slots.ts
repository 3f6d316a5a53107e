// Whether a container that stopped without taking a task left a task waiting for it. Every attempt
// schedules one activity task and starts one container, but a container takes whichever task of
// the activity is pending, so the task a container "covers" moves: when the task of container C's
// attempt was taken by container D, C covers the task of D's attempt instead; when a healer took
// it for lost container L, C covers what L covered. Following that chain from the stopped
// container ends at one of:
// - a task still waiting, of a running execution: the stop left it without a container (heal);
// - a task its execution's end closed unstarted (stopped, timed out, failed, or moved on to a
//   retry): nothing waits for this container;
// - the container itself, or a healer's claim for it: it took a task after all, or was healed;
// - a worker it cannot follow (not named after a task of this cluster): it heals, to be safe.
import { closingEvent, executionEnded, findAttempt, HistoryEvent, reportedByTrigger } from "./healer-history";
import { executionArnOfTask } from "./task-execution";
import { Clock, EcsTaskDescription, EXECUTION_TAG_KEY } from "./trigger";

/** The worker name a healer polls with for lost container `<task id>`: `healer-<task id>`. */
export const HEALER_WORKER_PREFIX = "healer-";
/**
 * Containers followed at most. Containers started in one burst take the burst's tasks in any order,
 * so a chain can be as long as the burst (a Map's concurrency: 20 by default); a longer one is
 * healed rather than left to wait for hours.
 */
export const MAX_CHAIN_LENGTH = 50;

export interface SlotApis {
    describeTask(cluster: string, task: string): Promise<EcsTaskDescription | undefined>;
    /** Newest first, one page. */
    getExecutionHistory(
        executionArn: string,
        nextToken?: string,
    ): Promise<{ events: HistoryEvent[]; nextToken?: string }>;
}

export interface StoppedContainer {
    taskArn: string;
    executionArn: string;
}

/**
 * Owed: the task of `waitingExecution` was waiting when the healer read that history, at `checkedAt`
 * (epoch ms, just before the read). A spare container may still take it before the healer's claim:
 * activities offer no way to check and claim at once.
 */
export type SlotDecision =
    { owed: true; waitingExecution: string; checkedAt: number; note?: string } | { owed: false; reason: string };

export const taskIdOf = (taskArn: string) => taskArn.split("/").pop()!;
export const healerWorkerName = (taskArn: string) => `${HEALER_WORKER_PREFIX}${taskIdOf(taskArn)}`;

export async function readHistory(apis: SlotApis, executionArn: string, maxPages = 20): Promise<HistoryEvent[]> {
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

/**
 * The stopped container's execution history once it tells something: the attempt's task is
 * scheduled, the trigger reported the stop, or the execution ended. The trigger returns before
 * the execute state schedules the task, so this waits up to `graceMs` for one of them.
 */
async function attemptHistory(
    apis: SlotApis,
    activityArn: string,
    stopped: StoppedContainer,
    clock: Clock,
    deadline: number,
): Promise<{ events: HistoryEvent[]; readAt: number }> {
    for (let wait = 0; ; wait++) {
        const readAt = clock.now();
        const events = await readHistory(apis, stopped.executionArn);
        const settled =
            reportedByTrigger(events, stopped.taskArn) ||
            findAttempt(events, activityArn, stopped.taskArn) !== undefined ||
            executionEnded(events);
        if (settled || clock.now() >= deadline) return { events, readAt };
        await clock.sleep(Math.min(500 * 2 ** wait, 4000));
    }
}

/** The container that took the attempt's task (a healer's claim stands for its lost container). */
async function takerOf(apis: SlotApis, clusterArn: string, workerName: string): Promise<StoppedContainer | undefined> {
    const id = workerName.startsWith(HEALER_WORKER_PREFIX) ? workerName.slice(HEALER_WORKER_PREFIX.length) : workerName;
    if (!/^[A-Za-z0-9-]{1,80}$/.test(id)) return undefined;
    const task = await apis.describeTask(clusterArn, id);
    const executionArn = task && executionArnOfTask(task, EXECUTION_TAG_KEY);
    return task?.taskArn && executionArn ? { taskArn: task.taskArn, executionArn } : undefined;
}

export interface SlotOptions {
    activityArn: string;
    clusterArn: string;
    clock: Clock;
    scheduleGraceMs: number;
}

/** Whether the stopped container (which took no task) left a task waiting for it; see the top. */
export async function lostContainerSlot(
    apis: SlotApis,
    stopped: StoppedContainer,
    options: SlotOptions,
): Promise<SlotDecision> {
    const origin = taskIdOf(stopped.taskArn);
    const visited = new Set<string>();
    let current = stopped;
    let checkedAt = 0;
    // One grace for the whole chain: a container's attempt is scheduled only once its trigger has
    // seen it start, and a container may take another attempt's task before that (it polls as soon
    // as it runs), so each container followed may still be waiting for its own attempt's task.
    const deadline = options.clock.now() + options.scheduleGraceMs;
    for (let hop = 0; hop < MAX_CHAIN_LENGTH; hop++) {
        visited.add(taskIdOf(current.taskArn));
        const read = await attemptHistory(apis, options.activityArn, current, options.clock, deadline);
        const events = read.events;
        checkedAt = read.readAt;
        if (hop === 0 && reportedByTrigger(events, stopped.taskArn))
            return { owed: false, reason: "the trigger reported this task's stop (Trigger.TaskStopped)" };
        const scheduled = findAttempt(events, options.activityArn, current.taskArn);
        if (!scheduled && hop > 0 && !executionEnded(events) && !reportedByTrigger(events, current.taskArn))
            // The taker's own attempt is not scheduled yet (its trigger is still waiting for it to
            // start): when it is, nothing will take it, so the lost container's place is owed to it.
            return {
                owed: true,
                waitingExecution: current.executionArn,
                checkedAt,
                note: `container ${current.taskArn} took another attempt's task before its own attempt scheduled one`,
            };
        if (!scheduled)
            return {
                owed: false,
                reason: executionEnded(events)
                    ? `execution ${current.executionArn} ended before it scheduled a task for container ${current.taskArn}`
                    : `no activity task was scheduled for container ${current.taskArn}`,
            };
        const closing = closingEvent(events, scheduled);
        if (!closing)
            return executionEnded(events)
                ? {
                      owed: false,
                      reason: `execution ${current.executionArn} ended while its task waited: nothing waits for this container`,
                  }
                : { owed: true, waitingExecution: current.executionArn, checkedAt };
        if (closing.type !== "ActivityStarted")
            return { owed: false, reason: `the task of ${current.executionArn} closed unstarted (${closing.type})` };
        const worker = closing.activityStartedEventDetails?.workerName ?? "";
        if (worker === healerWorkerName(stopped.taskArn))
            return { owed: false, reason: "a healer already claimed a task for this container" };
        const takerId = worker.startsWith(HEALER_WORKER_PREFIX) ? worker.slice(HEALER_WORKER_PREFIX.length) : worker;
        if (visited.has(takerId))
            return {
                owed: false,
                reason:
                    takerId === origin
                        ? "the container took a task (its tag is missing)"
                        : `the containers took each other's tasks in a circle (${[...visited].join(", ")})`,
            };
        const taker = await takerOf(apis, options.clusterArn, worker);
        // A worker not named after a task of this cluster (WORKER_NAME set, no task metadata, one
        // run by hand): whether it covered another attempt is unknowable. Heal: a needless retry
        // costs seconds, a task left waiting costs hours (until the state machine's timeout).
        if (!taker)
            return {
                owed: true,
                waitingExecution: current.executionArn,
                checkedAt,
                note: `worker ${JSON.stringify(worker)}, not a task of this cluster started by a trigger, took the task of ${current.executionArn}`,
            };
        current = taker;
    }
    return {
        owed: true,
        waitingExecution: current.executionArn,
        checkedAt,
        note: `stopped following after ${MAX_CHAIN_LENGTH} containers`,
    };
}
