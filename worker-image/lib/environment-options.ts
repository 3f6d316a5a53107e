// The worker's options completed from the environment, for a worker not given its activityArn:
// ACTIVITY_ARN and the other variables parseWorkerConfig reads. An option given in code wins over
// its variable, which is then not read at all (a bad value in it cannot stop the worker).
import { ConfigResult, Env, LogLevelName, parseWorkerConfig } from "./config";
import { createLogger, Logger } from "./log";
import type { ActivityWorkerOptions, WorkerOptions, WorkerSeams } from "./types";

/** The variables each option replaces. */
const VARIABLES_OF_OPTION: ReadonlyArray<[keyof ActivityWorkerOptions, readonly string[]]> = [
    ["region", ["AWS_REGION", "AWS_DEFAULT_REGION"]],
    ["workerName", ["WORKER_NAME"]],
    ["maxTasks", ["MAX_TASKS"]],
    ["idleTimeoutSeconds", ["IDLE_TIMEOUT_SECONDS"]],
    ["heartbeatSeconds", ["HEARTBEAT_SECONDS"]],
    ["logger", ["LOG_LEVEL"]],
];

export interface EnvironmentOptions {
    /** The options to run with; `logger` is the one given, else one at `logLevel`. */
    options: WorkerOptions & { logger: Logger };
    logLevel: LogLevelName;
}

/** `env` without the variables that options given in code replace. */
function variablesToRead(options: ActivityWorkerOptions, env: Env): Env {
    const read: Env = { ...env };
    for (const [option, variables] of VARIABLES_OF_OPTION)
        if (options[option] !== undefined) for (const variable of variables) delete read[variable];
    return read;
}

/** The options completed from `env`, or the first variable that is missing or malformed. */
export function optionsFromEnvironment(
    options: ActivityWorkerOptions & WorkerSeams,
    env: Env,
): ConfigResult<EnvironmentOptions> {
    const config = parseWorkerConfig(variablesToRead(options, env));
    if (!config.ok) return config;
    const c = config.value;
    return {
        ok: true,
        value: {
            logLevel: c.logLevel,
            options: {
                ...options,
                activityArn: c.activityArn,
                region: options.region ?? c.region,
                workerName: options.workerName ?? c.workerName,
                maxTasks: options.maxTasks ?? c.maxTasks,
                idleTimeoutSeconds: options.idleTimeoutSeconds ?? c.idleTimeoutSeconds,
                heartbeatSeconds: options.heartbeatSeconds ?? c.heartbeatSeconds,
                logger: options.logger ?? createLogger({ level: c.logLevel }),
            },
        },
    };
}
