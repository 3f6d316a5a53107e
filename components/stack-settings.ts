// The program's stack configuration: one table of keys with defaults and checks, so bad config
// fails at program time with the key and its valid values. `Pulumi.yaml` holds the same defaults.
import { Capacity } from "../functions/trigger";
import { Architecture, ARCHITECTURES, CAPACITIES, LOG_RETENTION_DAYS } from "./fargate-activity-step";
import { LOG_LEVELS, LogLevel } from "./step-state-machine";
import { STEP_DEFAULTS, StepRetryArgs } from "./step-block";

export interface StackSettings {
    cpu: number;
    memory: number;
    architecture: Architecture;
    capacity: Capacity;
    taskTimeoutSeconds: number;
    heartbeatSeconds: number;
    /** Undefined: derived from the step's settings (see deriveStateMachineTimeout). */
    stateMachineTimeoutSeconds?: number;
    logRetentionDays: number;
    logLevel: LogLevel;
    includeExecutionData: boolean;
    jobDurationMs: number;
    /** Alarms on failed and timed-out executions and on a long schedule time. */
    alarms: boolean;
    /** SNS topic the alarms notify; none by default. */
    alarmTopicArn?: string;
}

/** Reads one raw config value; `new pulumi.Config().get` fits. */
export type ConfigGetter = (key: string) => string | undefined;

function integer(
    get: ConfigGetter,
    key: string,
    fallback: number | undefined,
    min: number,
    max: number,
): number | undefined {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max)
        throw new Error(`config ${key}: must be a whole number from ${min} to ${max}; got ${JSON.stringify(raw)}`);
    return value;
}

function retention(get: ConfigGetter, key: string, fallback: number): number {
    const value = integer(get, key, fallback, 1, 3653)!;
    if (!LOG_RETENTION_DAYS.includes(value))
        throw new Error(`config ${key}: must be one of ${LOG_RETENTION_DAYS.join(", ")}; got ${value}`);
    return value;
}

function choice<T extends string>(get: ConfigGetter, key: string, fallback: T, allowed: readonly T[]): T {
    const raw = get(key) ?? fallback;
    if (!allowed.includes(raw as T))
        throw new Error(`config ${key}: must be one of ${allowed.join(", ")}; got ${JSON.stringify(raw)}`);
    return raw as T;
}

function boolean(get: ConfigGetter, key: string, fallback: boolean): boolean {
    const raw = get(key);
    if (raw === undefined) return fallback;
    if (raw !== "true" && raw !== "false")
        throw new Error(`config ${key}: must be true or false; got ${JSON.stringify(raw)}`);
    return raw === "true";
}

function topicArn(get: ConfigGetter, key: string): string | undefined {
    const raw = get(key);
    if (raw === undefined || raw === "") return undefined;
    if (!/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/.test(raw))
        throw new Error(
            `config ${key}: must be an SNS topic ARN (arn:aws:sns:<region>:<account>:<name>); got ${JSON.stringify(raw)}`,
        );
    return raw;
}

export function readStackSettings(get: ConfigGetter): StackSettings {
    return {
        cpu: integer(get, "cpu", 256, 256, 16384)!,
        memory: integer(get, "memory", 512, 512, 122880)!,
        architecture: choice(get, "architecture", "X86_64", ARCHITECTURES),
        capacity: choice(get, "capacity", "FARGATE", CAPACITIES),
        taskTimeoutSeconds: integer(get, "taskTimeoutSeconds", STEP_DEFAULTS.timeoutSeconds, 1, 99999999)!,
        heartbeatSeconds: integer(get, "heartbeatSeconds", STEP_DEFAULTS.heartbeatSeconds, 1, 99999999)!,
        stateMachineTimeoutSeconds: integer(get, "stateMachineTimeoutSeconds", undefined, 1, 31_536_000),
        logRetentionDays: retention(get, "logRetentionDays", 30),
        logLevel: choice(get, "logLevel", "ERROR", LOG_LEVELS),
        includeExecutionData: boolean(get, "includeExecutionData", false),
        jobDurationMs: integer(get, "jobDurationMs", 10000, 0, 86_400_000)!,
        alarms: boolean(get, "alarms", true),
        alarmTopicArn: topicArn(get, "alarmTopicArn"),
    };
}

/** Seconds a container may take from RunTask to its first poll (cold starts of 45–90 s are common). */
export const DEFAULT_START_SECONDS = 300;
/** When the trigger waited for RUNNING, only the worker's own start-up is left. */
export const START_AFTER_RUNNING_SECONDS = 60;

/**
 * The state machine's timeout, the guard for a task no worker ever takes: every attempt's trigger,
 * container start and task time, plus the retry waits, plus a minute of margin.
 */
export function deriveStateMachineTimeout(step: {
    triggerTimeoutSeconds: number;
    timeoutSeconds: number;
    waitForRunningSeconds?: number;
    startSeconds?: number;
    retry?: StepRetryArgs | false;
}): number {
    const d = STEP_DEFAULTS.retry;
    const retry = step.retry === false ? { maxAttempts: 0 } : (step.retry ?? {});
    const attempts = 1 + (retry.maxAttempts ?? d.maxAttempts);
    let waits = 0;
    for (let k = 0; k < attempts - 1; k++) {
        const r = retry as StepRetryArgs;
        waits += Math.min(
            (r.intervalSeconds ?? d.intervalSeconds) * (r.backoffRate ?? d.backoffRate) ** k,
            r.maxDelaySeconds ?? d.maxDelaySeconds,
        );
    }
    const start =
        step.startSeconds ?? (step.waitForRunningSeconds ? START_AFTER_RUNNING_SECONDS : DEFAULT_START_SECONDS);
    return Math.ceil(attempts * (step.triggerTimeoutSeconds + start + step.timeoutSeconds) + waits + 60);
}
