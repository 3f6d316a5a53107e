// The trigger's view of the task it started: DescribeTasks, paced so that many waiting triggers
// stay within ECS's rate, riding out throttling, server errors and calls that get no answer until
// the trigger's own deadline; and StopTask, best effort, for a task the trigger gives up on.
// ECS reads (DescribeTasks, ListTasks, ...) share one bucket per account and region: 100 calls,
// refilled at 20 per second ("Request throttling for the Amazon ECS API",
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html).
import { namedError } from "./errors";
import { ecsCallFailure, errorMessage, errorName } from "./ecs-call-errors";
import type { Clock, EcsRunTask, EcsTaskDescription } from "./trigger";

/** The first check, soon after RunTask (a quick start, or one that fails at once). */
export const FIRST_CHECK_MS = { min: 500, max: 1500 };
/**
 * Then one check every 6–9 s (7.5 s on average): 100 triggers waiting at once make 13.3 calls per
 * second on average and never more than 16.7, under the 20 per second ECS refills.
 */
export const CHECK_INTERVAL_MS = { min: 6000, max: 9000 };
/** After failed checks, a further wait drawn from [0, 1 s · 2^(failures − 1)], at most 30 s ("full jitter"). */
export const RETRY_BASE_MS = 1000;
export const RETRY_MAX_MS = 30_000;
/** Each call's own limit, the SDK's retries included; the deadline may be passed by this much. */
export const CALL_TIMEOUT_MS = 5000;
/** StopTask attempts for a task the trigger gives up on. */
export const STOP_ATTEMPTS = 3;

/** The wait before check `check` (0 = the first after RunTask). */
export function pollDelayMs(check: number, random: () => number = Math.random): number {
    const { min, max } = check === 0 ? FIRST_CHECK_MS : CHECK_INTERVAL_MS;
    return Math.floor(min + random() * (max - min));
}

/** The extra wait after `failures` failed calls in a row. */
export function retryDelayMs(failures: number, random: () => number = Math.random): number {
    if (failures <= 0) return 0;
    return Math.floor(random() * Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(failures - 1, 30)));
}

/** Runs `call` with an abort signal; rejects with TimeoutError (and aborts the call) after `timeoutMs`. */
export async function callWithin<T>(timeoutMs: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            reject(namedError("TimeoutError", `no answer within ${timeoutMs} ms`));
            controller.abort();
        }, timeoutMs);
    });
    try {
        return await Promise.race([call(controller.signal), timedOut]);
    } finally {
        clearTimeout(timer);
    }
}

/** How a watch ended. `deadline`: never seen RUNNING in time; `lastFailure` set when the last check failed. */
export type WatchEnd =
    | { kind: "running" }
    | { kind: "stopped"; task: EcsTaskDescription }
    | { kind: "deadline"; lastStatus?: string; lastFailure?: unknown };

export interface WatchOptions {
    callTimeoutMs?: number;
}

function log(fields: Record<string, unknown>): void {
    console.log(JSON.stringify(fields));
}

/**
 * Checks the task until it is RUNNING or STOPPED, or the deadline passes. Throttled, failed and
 * unanswered checks are logged and retried with backoff; a refusal (access denied, a bad
 * parameter, a missing cluster) is thrown at once, named as ECS named it.
 */
export async function watchTask(
    ecs: Required<Pick<EcsRunTask, "describeTasks">>,
    cluster: string,
    taskArn: string,
    timeoutSeconds: number,
    clock: Clock,
    options: WatchOptions = {},
): Promise<WatchEnd> {
    const random = clock.random ?? Math.random;
    const deadline = clock.now() + timeoutSeconds * 1000;
    let lastStatus: string | undefined;
    let lastFailure: unknown;
    let failures = 0;
    for (let check = 0; ; check++) {
        const delay = pollDelayMs(check, random) + retryDelayMs(failures, random);
        await clock.sleep(Math.min(delay, Math.max(0, deadline - clock.now())));
        try {
            const answer = await callWithin(options.callTimeoutMs ?? CALL_TIMEOUT_MS, abortSignal =>
                ecs.describeTasks({ cluster, tasks: [taskArn] }, { abortSignal }),
            );
            [failures, lastFailure] = [0, undefined];
            const task = answer.tasks?.[0];
            lastStatus = task?.lastStatus ?? lastStatus;
            // `startedAt` is when the task went from PENDING to RUNNING: a container that ran and has
            // already exited between two checks (it may have served another execution's task) was RUNNING.
            if (task?.lastStatus === "RUNNING" || task?.startedAt) return { kind: "running" };
            if (task?.lastStatus === "STOPPED" || task?.lastStatus === "DEPROVISIONING")
                return { kind: "stopped", task };
        } catch (error) {
            if (ecsCallFailure(error) === "refused")
                throw namedError(
                    errorName(error),
                    `DescribeTasks of task ${taskArn} was refused (${errorName(error)}): ${errorMessage(error)}`,
                );
            [failures, lastFailure] = [failures + 1, error];
            log({ event: "describe-failed", taskArn, error: errorName(error), message: errorMessage(error), failures });
        }
        if (clock.now() >= deadline) return { kind: "deadline", lastStatus, lastFailure };
    }
}

/**
 * Stops a task the trigger gives up on: a few attempts while ECS throttles or fails, none after a
 * refusal. Resolves with the last error when it could not, after logging it; undefined when stopped.
 */
export async function stopStartedTask(
    ecs: Required<Pick<EcsRunTask, "stopTask">>,
    cluster: string,
    taskArn: string,
    reason: string,
    clock: Clock,
    options: WatchOptions = {},
): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
        try {
            await callWithin(options.callTimeoutMs ?? CALL_TIMEOUT_MS, abortSignal =>
                ecs.stopTask({ cluster, task: taskArn, reason: reason.slice(0, 255) }, { abortSignal }),
            );
            log({ event: "task-stopped", taskArn, reason });
            return undefined;
        } catch (error) {
            const again = attempt < STOP_ATTEMPTS && ecsCallFailure(error) !== "refused";
            log({ event: "stop-failed", taskArn, error: errorName(error), message: errorMessage(error), attempt });
            if (!again) return error;
            await clock.sleep(retryDelayMs(attempt, clock.random ?? Math.random));
        }
    }
}
