// The worker's options checked, with their defaults filled in, before anything starts.
import { namedError } from "./errors";
import { parseActivityArn } from "./activity-arn";
import { heartbeatIntervalMs } from "./config";
import { createLogger, Logger } from "./log";
import { sleep as defaultSleep } from "./sleep";
import type { WorkerOptions } from "./types";

const DEFAULTS = { maxTasks: 1, idleTimeoutSeconds: 300, stopReportMs: 4000, reportTimeoutMs: 10_000 };

export interface WorkerSettings {
    /** The region in the activity ARN. */
    arnRegion: string;
    maxTasks: number;
    idleTimeoutMs: number;
    /** Between automatic heartbeats; undefined: none. */
    heartbeatMs: number | undefined;
    stopReportMs: number;
    reportTimeoutMs: number;
    sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
    random: () => number;
    now: () => number;
    shutdown: AbortSignal | undefined;
    /** Lines carry the activity ARN. */
    log: Logger;
}

/** Throws a Worker.InvalidConfig error for an activity ARN or a maxTasks that cannot work. */
export function resolveWorkerSettings(options: WorkerOptions): WorkerSettings {
    const arn = parseActivityArn(options.activityArn);
    if (!arn.ok) throw namedError("Worker.InvalidConfig", `activityArn ${arn.problem}`);
    const maxTasks = options.maxTasks ?? DEFAULTS.maxTasks;
    const idleTimeoutMs = (options.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds) * 1000;
    const heartbeatMs =
        options.heartbeatSeconds !== undefined ? heartbeatIntervalMs(options.heartbeatSeconds) : undefined;
    const stopReportMs = options.stopReportMs ?? DEFAULTS.stopReportMs;
    const reportTimeoutMs = options.reportTimeoutMs ?? DEFAULTS.reportTimeoutMs;
    const sleep = options.sleep ?? defaultSleep;
    const random = options.random ?? Math.random;
    const now = options.now ?? Date.now;
    const shutdown = options.shutdownSignal;
    const log = (options.logger ?? createLogger()).child({ activity: options.activityArn });
    if (!(Number.isInteger(maxTasks) && maxTasks >= 1))
        throw namedError("Worker.InvalidConfig", `maxTasks must be a whole number ≥ 1, got ${maxTasks}`);
    return {
        arnRegion: arn.parts.region,
        maxTasks,
        idleTimeoutMs,
        heartbeatMs,
        stopReportMs,
        reportTimeoutMs,
        sleep,
        random,
        now,
        shutdown,
        log,
    };
}
