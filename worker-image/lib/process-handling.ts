// What a worker that is the process's main program installs process-wide, and how it ends the
// process. Only main-mode.ts calls these: a worker given its activityArn or its shutdownSignal
// touches nothing process-wide.
import type { Logger } from "./log";

/** The parts of `process` a main program uses (tests pass a stand-in). */
export type MainProcess = Pick<NodeJS.Process, "on" | "exit" | "exitCode">;

/** How long a finished worker lets the process end by itself before ending it. */
export const FORCE_EXIT_AFTER_MS = 1000;

/**
 * SIGTERM and SIGINT abort the returned signal: a graceful stop (ECS sends SIGTERM, then SIGKILL
 * after the container's stopTimeout, https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopTask.html).
 * A second signal is logged and ignored. A stray rejection is logged; an uncaught exception ends the
 * process with exit code 1.
 */
export function handleProcessEvents(proc: MainProcess, log: Logger): AbortSignal {
    const stop = new AbortController();
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
        proc.on(signal, () => {
            if (stop.signal.aborted) log.warn("worker.signalIgnored", { signal, note: "already stopping" });
            else stop.abort(signal);
        });
    }
    // A job's stray promise must not take the task down with it: log it and carry on reporting.
    proc.on("unhandledRejection", reason => {
        log.error("worker.unhandledRejection", {
            error: (reason as Error)?.name,
            message: (reason as Error)?.message ?? String(reason),
        });
    });
    proc.on("uncaughtException", err => exitCrashed(proc, log, err));
    return stop.signal;
}

/** Logs `worker.crashed` and ends the process at once with exit code 1 (nothing was reported). */
export function exitCrashed(proc: MainProcess, log: Logger, err: unknown): void {
    const e = err as Error | undefined;
    log.error("worker.crashed", { error: e?.name, message: e?.message, stack: e?.stack });
    proc.exit(1);
}

/**
 * Sets the exit code for when the process ends by itself, and ends it after `graceMs` if it has
 * not: a job that ignored its abort signal, or left a timer or socket open, must not keep the
 * container (and its bill) alive.
 */
export function endProcessWhenDone(
    proc: MainProcess,
    exitCode: number,
    log: Logger,
    graceMs = FORCE_EXIT_AFTER_MS,
): void {
    proc.exitCode = exitCode;
    setTimeout(() => {
        log.warn("worker.forcedExit", {
            exitCode,
            graceMs,
            note: "something (a timer, socket or child process) kept the process alive after the worker finished",
        });
        proc.exit(exitCode);
    }, graceMs).unref();
}
