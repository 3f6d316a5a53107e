// Worker configuration from the environment: parsed and checked before any AWS call, so a bad
// variable ends the process with one clear line naming it (exit code 2).
import { isValidRegion, parseActivityArn } from "./activity-arn";

export type Env = Record<string, string | undefined>;

/** A configuration problem: which variable, and what is wrong with it. */
export interface ConfigProblem {
    variable: string;
    message: string;
}

export type ConfigResult<T> = { ok: true; value: T } | { ok: false; problem: ConfigProblem };

export interface WorkerEnvConfig {
    activityArn: string;
    /** AWS_REGION, else AWS_DEFAULT_REGION, else the activity ARN's region. */
    region: string;
    /** WORKER_NAME when set; else resolved at start (ECS task id, or host name and pid). */
    workerName?: string;
    /** MAX_TASKS, default 1 (the seed's worker takes one task and stops). */
    maxTasks: number;
    /** IDLE_TIMEOUT_SECONDS, default 300. */
    idleTimeoutSeconds: number;
    /** HEARTBEAT_SECONDS: the activity state's HeartbeatSeconds; unset = no automatic heartbeats. */
    heartbeatSeconds?: number;
    /** LOG_LEVEL: debug | info | warn | error, default info. */
    logLevel: LogLevelName;
}

export type LogLevelName = "debug" | "info" | "warn" | "error";

export const CONFIG_DEFAULTS = { maxTasks: 1, idleTimeoutSeconds: 300, logLevel: "info" as LogLevelName };

function fail<T>(variable: string, message: string): ConfigResult<T> {
    return { ok: false, problem: { variable, message: `${variable} ${message}` } };
}

/** The variable's value, or undefined when unset or blank. */
function read(env: Env, name: string): string | undefined {
    const v = env[name];
    return v === undefined || v.trim() === "" ? undefined : v.trim();
}

const DECIMAL = /^\d+(\.\d+)?$/;

/** A whole number ≥ min (and ≤ max), or undefined when unset. */
export function readInteger(
    env: Env,
    name: string,
    min: number,
    max = Number.MAX_SAFE_INTEGER,
): ConfigResult<number | undefined> {
    const raw = read(env, name);
    if (raw === undefined) return { ok: true, value: undefined };
    const n = Number(raw);
    if (!/^\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
        return fail(name, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return { ok: true, value: n };
}

/** A decimal number of seconds or ms ≥ 0 (> 0 when `positive`), or undefined when unset. */
export function readNumber(
    env: Env,
    name: string,
    opts: { positive?: boolean; max?: number } = {},
): ConfigResult<number | undefined> {
    const raw = read(env, name);
    if (raw === undefined) return { ok: true, value: undefined };
    const n = Number(raw);
    const max = opts.max ?? Number.MAX_SAFE_INTEGER;
    if (!DECIMAL.test(raw) || !Number.isFinite(n) || n > max || (opts.positive && n <= 0)) {
        return fail(
            name,
            `must be a ${opts.positive ? "positive" : "non-negative"} number${opts.max !== undefined ? ` up to ${max}` : ""}, got ${JSON.stringify(raw)}`,
        );
    }
    return { ok: true, value: n };
}

/** Reads the worker's variables. Nothing here touches the network. */
export function parseWorkerConfig(env: Env): ConfigResult<WorkerEnvConfig> {
    const activityArn = read(env, "ACTIVITY_ARN");
    if (activityArn === undefined)
        return fail(
            "ACTIVITY_ARN",
            "is required: the ARN of the Step Functions activity this worker polls (arn:aws:states:<region>:<account>:activity:<name>)",
        );
    const arn = parseActivityArn(activityArn);
    if (!arn.ok) return fail("ACTIVITY_ARN", `${arn.problem}, got ${JSON.stringify(activityArn)}`);

    const regionVar =
        read(env, "AWS_REGION") !== undefined
            ? "AWS_REGION"
            : read(env, "AWS_DEFAULT_REGION") !== undefined
              ? "AWS_DEFAULT_REGION"
              : undefined;
    const region = regionVar ? read(env, regionVar)! : arn.parts.region;
    if (regionVar && !isValidRegion(region))
        return fail(regionVar, `is not an AWS region name, got ${JSON.stringify(region)}`);
    if (region !== arn.parts.region) {
        return fail(
            regionVar!,
            `is ${region} but ACTIVITY_ARN is in ${arn.parts.region}: an activity can only be polled in its own region`,
        );
    }

    const workerName = read(env, "WORKER_NAME");
    if (workerName !== undefined && workerName.length > 80)
        return fail("WORKER_NAME", `must be at most 80 characters, got ${workerName.length}`);

    const maxTasks = readInteger(env, "MAX_TASKS", 1);
    if (!maxTasks.ok) return maxTasks;
    const idle = readNumber(env, "IDLE_TIMEOUT_SECONDS", { max: 31_536_000 });
    if (!idle.ok) return idle;
    const heartbeat = readNumber(env, "HEARTBEAT_SECONDS", { positive: true, max: 99_999_999 });
    if (!heartbeat.ok) return heartbeat;

    const level = read(env, "LOG_LEVEL")?.toLowerCase() ?? CONFIG_DEFAULTS.logLevel;
    if (!["debug", "info", "warn", "error"].includes(level))
        return fail("LOG_LEVEL", `must be one of debug, info, warn, error, got ${JSON.stringify(level)}`);

    return {
        ok: true,
        value: {
            activityArn,
            region,
            workerName,
            maxTasks: maxTasks.value ?? CONFIG_DEFAULTS.maxTasks,
            idleTimeoutSeconds: idle.value ?? CONFIG_DEFAULTS.idleTimeoutSeconds,
            heartbeatSeconds: heartbeat.value,
            logLevel: level as LogLevelName,
        },
    };
}

/** Node's timers hold at most 2^31-1 ms; a longer delay fires after 1 ms. */
export const MAX_TIMER_MS = 2_147_483_647;

/** Heartbeats go out every third of the state's HeartbeatSeconds (at most Node's longest timer). */
export function heartbeatIntervalMs(heartbeatSeconds: number): number {
    return Math.max(1, Math.min(MAX_TIMER_MS, Math.floor((heartbeatSeconds * 1000) / 3)));
}
