// The activity worker: one GetActivityTask at a time, each task run and reported exactly once, no
// poll ever abandoned (a poll left open by an exiting process can swallow another execution's task).
// Start-up is in worker-start.ts, the loop in poll-loop.ts, one task in run-task.ts; what a call
// without an activityArn reads from the environment, and does to the process, in worker-mode.ts.
import { waitForPendingMarks } from "./pending-marks";
import { pollForTasks } from "./poll-loop";
import { createReporter } from "./send-report";
import { watchForStop } from "./stop-request";
import type { ActivityWorkerOptions, WorkerOptions, WorkerRunResult, WorkerStopReason } from "./types";
import { runInItsMode } from "./worker-mode";
import type { WorkerRun } from "./worker-run";
import { resolveWorkerSettings } from "./worker-settings";
import { connectWorker, prepareMarkerSoon } from "./worker-start";

function exitCodeFor(reason: WorkerStopReason, unreported: number): WorkerRunResult["exitCode"] {
    if (unreported > 0 || reason === "pollFailed") return 1;
    if (reason === "pollRejected" || reason === "invalidConfig") return 2;
    if (reason === "interrupted") return 3;
    return 0;
}

/**
 * Runs the worker with its options as a consumer gives them. `runActivityWorker({ handler })` alone
 * is a container's main program: configured from the environment, stopped by SIGTERM, and ending
 * the process with its exit code. Given an `activityArn` or a `shutdownSignal`, it only runs the
 * worker and resolves with its result.
 */
export function runActivityWorker(options: ActivityWorkerOptions): Promise<WorkerRunResult> {
    return runInItsMode(options, { run: runWorker });
}

/** The worker with its seams (tests replace the API, clocks and backoffs through them). */
export async function runWorker(options: WorkerOptions): Promise<WorkerRunResult> {
    const settings = resolveWorkerSettings(options);
    const { log, now } = settings;
    const connections = await connectWorker(options, settings.arnRegion, settings.shutdown);
    const { identity, api, marker } = connections;
    const startedAt = now();
    const stop = watchForStop(settings.shutdown, now, log);
    const run: WorkerRun = {
        ...connections,
        options,
        settings,
        workerName: identity.workerName,
        stop,
        reporter: createReporter({
            api,
            stop,
            stopReportMs: settings.stopReportMs,
            reportTimeoutMs: settings.reportTimeoutMs,
            reportBackoff: options.reportBackoff,
            sleep: settings.sleep,
            random: settings.random,
            now,
        }),
        pendingMarks: new Set<Promise<void>>(),
        tasks: 0,
        unreported: 0,
        interrupted: false,
    };
    log.info("worker.started", {
        workerName: run.workerName,
        workerNameSource: identity.source,
        ecsTaskArn: identity.ecsTaskArn,
        maxTasks: settings.maxTasks,
        idleTimeoutSeconds: settings.idleTimeoutMs / 1000,
        heartbeatSeconds: options.heartbeatSeconds,
        node: process.version,
    });

    const prepareTimer = prepareMarkerSoon(marker);
    try {
        return endRun(run, await pollForTasks(run), startedAt);
    } finally {
        if (prepareTimer) clearTimeout(prepareTimer);
        if (run.pendingMarks.size > 0)
            await waitForPendingMarks(run.pendingMarks, stop.requestedAt !== undefined, settings.sleep);
        api.destroy();
        marker?.destroy();
    }
}

/** The run's result, logged; the stop listener removed. */
function endRun(run: WorkerRun, reason: WorkerStopReason, startedAt: number): WorkerRunResult {
    run.stop.dispose();
    const { tasks, unreported } = run;
    const result: WorkerRunResult = { reason, exitCode: exitCodeFor(reason, unreported), tasks, unreported };
    run.settings.log.info("worker.exit", { ...result, durationMs: run.settings.now() - startedAt });
    return result;
}
