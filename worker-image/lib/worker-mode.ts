// Which of its modes a call of runActivityWorker is, and how each one runs:
// - given: the call names its activityArn; the options are used as they are, nothing is read from
//   the environment and nothing process-wide is touched (tests, a worker embedded in a program);
// - embedded: a shutdownSignal but no activityArn; the environment completes the options, and the
//   caller keeps the process (its signals, its exit);
// - main: neither; the worker is the process's main program (main-mode.ts).
import { optionsFromEnvironment } from "./environment-options";
import { namedError } from "./errors";
import { MainModeDependencies, runAsMainProgram } from "./main-mode";
import type { ActivityWorkerOptions, WorkerOptions, WorkerRunResult, WorkerSeams } from "./types";

export type WorkerMode = "given" | "embedded" | "main";

export function workerModeOf(options: Pick<ActivityWorkerOptions, "activityArn" | "shutdownSignal">): WorkerMode {
    if (options.activityArn !== undefined) return "given";
    return options.shutdownSignal ? "embedded" : "main";
}

function hasActivityArn(options: ActivityWorkerOptions & WorkerSeams): options is WorkerOptions {
    return options.activityArn !== undefined;
}

/** Runs the worker in the mode its options call for (`deps.run` is the worker itself). */
export function runInItsMode(
    options: ActivityWorkerOptions & WorkerSeams,
    deps: MainModeDependencies,
): Promise<WorkerRunResult> {
    if (hasActivityArn(options)) return deps.run(options);
    if (workerModeOf(options) === "main") return runAsMainProgram(options, deps);
    return runEmbedded(options, deps.run);
}

/** Rejects with a Worker.InvalidConfig error naming the variable that is missing or malformed. */
async function runEmbedded(
    options: ActivityWorkerOptions & WorkerSeams,
    run: MainModeDependencies["run"],
): Promise<WorkerRunResult> {
    const complete = optionsFromEnvironment(options, options.env ?? process.env);
    if (!complete.ok) throw namedError("Worker.InvalidConfig", complete.problem.message);
    return run(complete.value.options);
}
