// The poll loop: one GetActivityTask at a time, never abandoned, each task it brings run before the
// next poll; it ends on a stop request, the idle limit, maxTasks or a poll Step Functions refuses.
import { errorMessage, errorName } from "./errors";
import { backoffDelayMs, classifyAwsError, POLL_BACKOFF } from "./retry";
import { runTask } from "./run-task";
import type { WorkerStopReason } from "./types";
import type { WorkerRun } from "./worker-run";

export async function pollForTasks(run: WorkerRun): Promise<WorkerStopReason> {
    const { settings, stop } = run;
    const { log, now } = settings;
    let idleSince = now();
    let pollErrors = 0;
    while (run.tasks < settings.maxTasks) {
        if (stop.requestedAt !== undefined) return run.interrupted ? "interrupted" : "stopped";
        const pollStarted = now();
        let task;
        try {
            log.debug("poll.started");
            task = await run.api.getActivityTask({ activityArn: run.options.activityArn, workerName: run.workerName });
            pollErrors = 0;
        } catch (err) {
            pollErrors++;
            const reason = await afterFailedPoll(run, err, pollErrors, idleSince);
            if (reason) return reason;
            continue;
        }
        if (!task.taskToken) {
            log.debug("poll.empty", { durationMs: now() - pollStarted });
            if (stop.requestedAt !== undefined) return "stopped";
            if (now() - idleSince >= settings.idleTimeoutMs) {
                log.info("worker.idle", { idleMs: now() - idleSince });
                return "idle";
            }
            continue;
        }
        run.tasks++;
        await runTask(run, task.taskToken, task.input);
        idleSince = now();
    }
    return stop.requestedAt !== undefined && run.interrupted ? "interrupted" : "maxTasks";
}

/**
 * A failed poll: the reason to stop (refused for good, or failing since the idle limit), or
 * undefined once the backoff wait before the next poll is over (it ends early on a stop request).
 */
async function afterFailedPoll(
    run: WorkerRun,
    err: unknown,
    pollErrors: number,
    idleSince: number,
): Promise<WorkerStopReason | undefined> {
    const { log, now } = run.settings;
    if (classifyAwsError(err) !== "retry") {
        log.error("poll.rejected", {
            error: errorName(err),
            message: errorMessage(err),
            hint: "check ACTIVITY_ARN, the region and the task role's states:GetActivityTask permission",
        });
        return "pollRejected";
    }
    if (now() - idleSince >= run.settings.idleTimeoutMs) {
        log.error("poll.failed", {
            error: errorName(err),
            message: errorMessage(err),
            attempts: pollErrors,
            final: true,
        });
        return "pollFailed";
    }
    const delayMs = backoffDelayMs(pollErrors, run.options.pollBackoff ?? POLL_BACKOFF, run.settings.random);
    log.warn("poll.failed", {
        error: errorName(err),
        message: errorMessage(err),
        attempts: pollErrors,
        retryInMs: delayMs,
    });
    await run.settings.sleep(delayMs, run.settings.shutdown);
    return undefined;
}
