// Failures production sees, injected by tests (never reachable through the wire): no capacity, a
// container that never starts, one that dies right after RUNNING, one stopped before its first
// poll, a process killed mid-job, and API calls that ECS throttles, fails or never answers. Each
// hook queues a failure; RunTask, the task life cycle and the wrapped operations (call-failures.ts)
// take them off the queues in order.
import { CallCount, CallFailure, CallFailures } from "./call-failures";
import { STOPPED_REASON_USER } from "./task-record";
import { TaskTable } from "./task-table";

export type { CallCount, CallFailure } from "./call-failures";

/** The capacity failure Fargate answers RunTask with (HTTP 200, no task). */
export const CAPACITY_UNAVAILABLE =
    "Capacity is unavailable at this time. Please try again later or in a different availability zone";
/** Default stoppedReason of the "fails to start" hook: what a missing image looks like. */
export const DEFAULT_START_FAILURE =
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref: not found";

export interface EcsTestHooks {
    /** The next `times` (default 1) RunTask calls answer 200 with a failure and no task. */
    failNextRunTask(options?: { reason?: string; detail?: string; times?: number }): void;
    /** The next `times` tasks go PROVISIONING → PENDING → STOPPED (TaskFailedToStart) without a process. */
    failNextTaskStart(options?: { reason?: string; times?: number }): void;
    /** The next `times` tasks reach RUNNING and their container exits at once with `exitCode` (default 1). */
    /** `afterMs`: how long the container lives first (the trigger's wait then sees RUNNING before the exit). */
    exitNextTaskAfterRunning(options?: { exitCode?: number; times?: number; afterMs?: number }): void;
    /**
     * The next `times` tasks are stopped as StopTask stops them (SIGTERM, SIGKILL after the stop
     * timeout) when their container first reads its task metadata: after RUNNING, before the
     * worker's first GetActivityTask (it reads the metadata for its name first). The worker then
     * exits 0 without having polled. Default reason: StopTask's.
     */
    stopNextTaskBeforeFirstPoll(options?: { reason?: string; times?: number }): void;
    /** Signals a task's container (default SIGKILL, exit code 137). False when it has none running. */
    killTask(task: string, signal?: NodeJS.Signals): boolean;
    /** The next `times` (default 1) calls of `operation` (e.g. "DescribeTasks") fail as `failure` says. */
    failNextCalls(operation: string, failure: CallFailure, times?: number): void;
    /** Until clearCallFailures(), each call of `operation` fails with probability `share` (0 to 1). */
    failShareOfCalls(operation: string, failure: CallFailure, share: number): void;
    clearCallFailures(): void;
    /** Calls of `operation` since the endpoint started, and how many of them a hook failed. */
    callCount(operation: string): CallCount;
}

/** The failures queued by the hooks, first in first out. */
export interface InjectedFailures {
    runTaskFailures: { reason: string; detail?: string }[];
    startFailures: string[];
    exitAfterRunning: { exitCode: number; afterMs: number }[];
    /** Stop reasons for the next tasks to be stopped at their first metadata read. */
    stopsBeforeFirstPoll: string[];
    calls: CallFailures;
}

export function noInjectedFailures(): InjectedFailures {
    return {
        runTaskFailures: [],
        startFailures: [],
        exitAfterRunning: [],
        stopsBeforeFirstPoll: [],
        calls: new CallFailures(),
    };
}

/** The container launch fields that make the container exit after RUNNING, if one was queued. */
export function crashPlan(crash: { exitCode: number; afterMs: number } | undefined): {
    crashOnStartWithExitCode?: number;
    crashAfterMs?: number;
} {
    return crash ? { crashOnStartWithExitCode: crash.exitCode, crashAfterMs: crash.afterMs } : {};
}

export function createTestHooks(failures: InjectedFailures, tasks: TaskTable): EcsTestHooks {
    return {
        failNextRunTask({ reason = CAPACITY_UNAVAILABLE, detail, times = 1 } = {}) {
            for (let i = 0; i < times; i++) failures.runTaskFailures.push({ reason, detail });
        },
        failNextTaskStart({ reason = DEFAULT_START_FAILURE, times = 1 } = {}) {
            for (let i = 0; i < times; i++) failures.startFailures.push(reason);
        },
        exitNextTaskAfterRunning({ exitCode = 1, times = 1, afterMs = 0 } = {}) {
            for (let i = 0; i < times; i++) failures.exitAfterRunning.push({ exitCode, afterMs });
        },
        stopNextTaskBeforeFirstPoll({ reason = STOPPED_REASON_USER, times = 1 } = {}) {
            for (let i = 0; i < times; i++) failures.stopsBeforeFirstPoll.push(reason);
        },
        killTask(task, signal = "SIGKILL") {
            const entry = tasks.byReference(task);
            if (!entry?.container || entry.record.lastStatus === "STOPPED") return false;
            entry.container.signal(signal);
            return true;
        },
        failNextCalls: (operation, failure, times) => failures.calls.failNext(operation, failure, times),
        failShareOfCalls: (operation, failure, share) => failures.calls.failShare(operation, failure, share),
        clearCallFailures: () => failures.calls.clear(),
        callCount: operation => failures.calls.count(operation),
    };
}
