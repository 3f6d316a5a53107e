// The worker as the process's main program: `runActivityWorker({ handler })` is all a container's
// entry needs. Its configuration comes from the environment (a bad variable: one config.invalid
// line and exit code 2, before any AWS call); SIGTERM/SIGINT stop it gracefully; when it is done it
// ends the process with its exit code (0 done or idle, 2 bad configuration, 3 interrupted after
// reporting Worker.Interrupted, 1 something went unreported).
import type { ConfigProblem } from "./config";
import { optionsFromEnvironment } from "./environment-options";
import { createLogger, Logger } from "./log";
import { endProcessWhenDone, exitCrashed, handleProcessEvents, MainProcess } from "./process-handling";
import type { ActivityWorkerOptions, WorkerOptions, WorkerRunResult, WorkerSeams } from "./types";

export interface MainModeDependencies {
    /** Runs the worker once its options are complete. */
    run: (options: WorkerOptions) => Promise<WorkerRunResult>;
    /** Default: `process`. */
    process?: MainProcess;
    /** Default FORCE_EXIT_AFTER_MS. */
    forceExitAfterMs?: number;
}

/** The run's result once the process is set to end with its exit code (it ends soon after). */
export function runAsMainProgram(
    options: ActivityWorkerOptions & WorkerSeams,
    deps: MainModeDependencies,
): Promise<WorkerRunResult> {
    const proc = deps.process ?? process;
    const complete = optionsFromEnvironment(options, options.env ?? process.env);
    if (!complete.ok)
        return Promise.resolve(exitOnInvalidConfig(complete.problem, options.logger, proc, deps.forceExitAfterMs));
    const { options: workerOptions } = complete.value;
    const log = workerOptions.logger;
    const shutdownSignal = handleProcessEvents(proc, log);
    return deps.run({ ...workerOptions, shutdownSignal }).then(
        result => {
            endProcessWhenDone(proc, result.exitCode, log, deps.forceExitAfterMs);
            return result;
        },
        (err: unknown) => {
            exitCrashed(proc, log, err);
            throw err;
        },
    );
}

/**
 * Logs one `config.invalid` line naming the variable, and ends the process with exit code 2.
 * For a main program's own variables too (worker-image/main.ts checks its job's this way).
 */
export function exitOnInvalidConfig(
    problem: ConfigProblem,
    log: Logger = createLogger(),
    proc: MainProcess = process,
    forceExitAfterMs?: number,
): WorkerRunResult {
    log.error("config.invalid", { variable: problem.variable, message: `invalid configuration: ${problem.message}` });
    endProcessWhenDone(proc, 2, log, forceExitAfterMs);
    return { reason: "invalidConfig", exitCode: 2, tasks: 0, unreported: 0 };
}
