// The container's entry point: configuration from the environment, the example job, exit codes
// (0 done or idle, 2 bad configuration, 3 interrupted after reporting Worker.Interrupted; anything
// else: the worker died without reporting).
import { parseWorkerConfig } from "./lib/config";
import { createLogger } from "./lib/log";
import { runActivityWorker } from "./lib/worker";
import { createExampleJob, parseJobConfig } from "./job";

const FORCE_EXIT_AFTER_MS = 1000;

function main(): void {
    const config = parseWorkerConfig(process.env);
    const jobConfig = parseJobConfig(process.env);
    const problem = !config.ok ? config.problem : !jobConfig.ok ? jobConfig.problem : undefined;
    if (problem || !config.ok || !jobConfig.ok) {
        createLogger().error("config.invalid", {
            variable: problem?.variable,
            message: `invalid configuration: ${problem?.message}`,
        });
        process.exitCode = 2;
        return;
    }
    const log = createLogger({ level: config.value.logLevel });
    const stop = new AbortController();
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.on(signal, () => {
            if (stop.signal.aborted) log.warn("worker.signalIgnored", { signal, note: "already stopping" });
            else stop.abort(signal);
        });
    }
    // A job's stray promise must not take the task down with it: log it and carry on reporting.
    process.on("unhandledRejection", reason => {
        log.error("worker.unhandledRejection", {
            error: (reason as Error)?.name,
            message: (reason as Error)?.message ?? String(reason),
        });
    });
    process.on("uncaughtException", err => {
        log.error("worker.crashed", { error: err?.name, message: err?.message, stack: err?.stack });
        process.exit(1);
    });
    runActivityWorker({
        activityArn: config.value.activityArn,
        region: config.value.region,
        workerName: config.value.workerName,
        maxTasks: config.value.maxTasks,
        idleTimeoutSeconds: config.value.idleTimeoutSeconds,
        heartbeatSeconds: config.value.heartbeatSeconds,
        handler: createExampleJob(jobConfig.value),
        shutdownSignal: stop.signal,
        logger: log,
    }).then(
        result => {
            process.exitCode = result.exitCode;
            // A job that ignored its abort signal must not keep the container (and its bill) alive.
            setTimeout(() => process.exit(result.exitCode), FORCE_EXIT_AFTER_MS).unref();
        },
        err => {
            log.error("worker.crashed", { error: err?.name, message: err?.message, stack: err?.stack });
            process.exit(1);
        },
    );
}

main();
