// Running the job for one task: its abort signal, its heartbeats, a stop request while it runs, and
// how it settled. Every way out aborts the job's signal, which also ends its automatic heartbeats.
import { namedError, WorkerErrorNames } from "./errors";
import { startHeartbeats } from "./heartbeats";
import type { ExecutionInfo } from "./input";
import type { Logger } from "./log";
import type { ActivityApi } from "./sfn-api";
import type { ActivityHandler, HandlerContext } from "./types";

export interface JobToRun {
    handler: ActivityHandler;
    input: unknown;
    execution: ExecutionInfo;
    token: string;
    tokenHash: string;
    workerName: string;
    taskLog: Logger;
    api: ActivityApi;
    heartbeatMs: number | undefined;
    shutdown: AbortSignal | undefined;
}

/** How the job ended, decided the moment it settled or was aborted. */
export type JobOutcome =
    | { kind: "closedByService" }
    /** The stop came first, or the job failed once it was aborted (most likely because of it). */
    | { kind: "interrupted"; interruptedBy: string | undefined }
    | { kind: "failed"; error: unknown }
    | { kind: "succeeded"; value: unknown };

export async function runJob(job: JobToRun): Promise<JobOutcome> {
    const { shutdown, taskLog } = job;
    const abort = new AbortController();
    let interruptedBy: string | undefined;
    const heartbeats = startHeartbeats({
        api: job.api,
        token: job.token,
        heartbeatMs: job.heartbeatMs,
        taskLog,
        abort,
    });

    const onStopDuringTask = () => {
        interruptedBy = typeof shutdown?.reason === "string" ? shutdown.reason : "a stop request";
        abort.abort(
            namedError(WorkerErrorNames.Interrupted, `The worker received ${interruptedBy} while the job was running`),
        );
    };
    shutdown?.addEventListener("abort", onStopDuringTask, { once: true });

    const aborted = new Promise<void>(resolve =>
        abort.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
    const context: HandlerContext = {
        signal: abort.signal,
        heartbeat: heartbeats.heartbeat,
        log: taskLog,
        executionArn: job.execution.executionArn,
        triggeredTaskArn: job.execution.taskArn,
        tokenHash: job.tokenHash,
        workerName: job.workerName,
    };
    const settled = Promise.resolve()
        .then(() => job.handler(job.input, context))
        .then(
            value => ({ ok: true as const, value }),
            error => ({ ok: false as const, error }),
        );
    const result = await Promise.race([settled, aborted.then(() => undefined)]);
    shutdown?.removeEventListener("abort", onStopDuringTask);
    heartbeats.stopTimer();

    // Decided before the abort below, which would otherwise look like a stop.
    const outcome: JobOutcome = heartbeats.closedByService
        ? { kind: "closedByService" }
        : result === undefined || (!result.ok && abort.signal.aborted)
          ? { kind: "interrupted", interruptedBy }
          : result.ok
            ? { kind: "succeeded", value: result.value }
            : { kind: "failed", error: result.error };
    // A job that finished with a value reports it, even if a stop came since. The abort ends
    // anything the job left listening on its signal, and the heartbeats.
    abort.abort();
    return outcome;
}
