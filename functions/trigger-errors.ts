// The trigger's errors for ECS calls that failed: RunTask's own, a wait that never saw the task
// RUNNING, and the task the trigger then stops (what became of it goes into the cause).
import { namedError } from "./errors";
import { ecsCallFailure, errorMessage, errorName, retriedNameFor } from "./ecs-call-errors";
import type { WatchEnd } from "./task-watch";

/** RunTask's own failure after the SDK's retries: throttling and 5xx are retried by the block. */
export function runTaskError(error: unknown): unknown {
    const kind = ecsCallFailure(error);
    if (kind === "throttled")
        return namedError(
            "Trigger.Throttled",
            `RunTask was throttled after the SDK's own retries: ${errorMessage(error)}`,
        );
    if (kind === "unavailable")
        return namedError(
            "Trigger.EcsUnavailable",
            `RunTask failed after the SDK's own retries (${errorName(error)}: ${errorMessage(error)}); a task it may have started exits when idle`,
        );
    return error;
}

/** The error for a wait that never saw RUNNING: named after the last failed check, if the last check failed. */
export function deadlineError(
    end: Extract<WatchEnd, { kind: "deadline" }>,
    taskArn: string,
    timeoutSeconds: number,
): Error {
    if (end.lastFailure !== undefined) {
        const name = retriedNameFor(ecsCallFailure(end.lastFailure)) ?? "Trigger.EcsUnavailable";
        return namedError(
            name,
            `task ${taskArn} was not seen RUNNING within ${timeoutSeconds} s: DescribeTasks kept failing (last ${errorName(end.lastFailure)}: ${errorMessage(end.lastFailure)})`,
        );
    }
    return namedError(
        "Trigger.TaskStopped",
        `task ${taskArn} was not RUNNING within ${timeoutSeconds} s (last status ${end.lastStatus ?? "unknown"})`,
    );
}

/**
 * Stops the task the trigger started and gives up on (best effort): no container is left to start
 * after the execution moved on. Returns `error` with what became of the task added to its message.
 */
export async function withTaskStopped(
    stop: (reason: string) => Promise<unknown>,
    taskArn: string,
    error: unknown,
    reason: string,
): Promise<Error> {
    const failure = await stop(reason);
    const outcome =
        failure === undefined
            ? `the trigger stopped task ${taskArn}`
            : `stopping task ${taskArn} failed too (${errorName(failure)}: ${errorMessage(failure)}); its worker exits when idle`;
    return namedError(errorName(error), `${errorMessage(error)}; ${outcome}`);
}
