// The program's stack configuration: one table of keys with defaults and checks, so bad config
// fails at program time with the key and its valid values. `Pulumi.yaml` holds the same defaults.
import { Capacity } from "../functions/trigger";
import { Architecture, FARGATE_ACTIVITY_STEP_DEFAULTS as STEP } from "./fargate-activity-step-args";
import { STEP_ARG_RULES } from "./fargate-activity-step-validation";
import { checker, Rule, wholeNumberFrom } from "./rules";
import { LogLevel, STEP_STATE_MACHINE_DEFAULTS as MACHINE, STEP_STATE_MACHINE_RULES } from "./step-state-machine-args";
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
    /** The trigger waits for RUNNING (the step's waitForRunning); default false. */
    waitForRunning: boolean;
    /** Alarms on failed and timed-out executions and on a long schedule time. */
    alarms: boolean;
    /** SNS topic the alarms notify; none by default. */
    alarmTopicArn?: string;
}

/** Reads one raw config value; `new pulumi.Config().get` fits. */
export type ConfigGetter = (key: string) => string | undefined;

/** Throws `config <key>: <what the rule wants>; got <the value as configured>`. */
function check<T>(key: string, rule: Rule<T>, value: T, shown: string): void {
    checker(`config ${key}:`, rule, () => shown)(value);
}

function integer(get: ConfigGetter, key: string, fallback: number | undefined, rule: Rule<number>): number | undefined {
    const raw = get(key);
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    check(key, rule, value, JSON.stringify(raw));
    return value;
}

function retention(get: ConfigGetter, key: string, fallback: number): number {
    const value = integer(get, key, fallback, wholeNumberFrom(1, 3653))!;
    check(key, STEP_ARG_RULES.logRetentionDays, value, String(value));
    return value;
}

function choice<T extends string>(get: ConfigGetter, key: string, fallback: T, rule: Rule<T>): T {
    const raw = get(key) ?? fallback;
    check(key, rule, raw as T, JSON.stringify(raw));
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
    const seconds = wholeNumberFrom(1, 99999999);
    return {
        cpu: integer(get, "cpu", STEP.cpu, wholeNumberFrom(256, 16384))!,
        memory: integer(get, "memory", STEP.memory, wholeNumberFrom(512, 122880))!,
        architecture: choice<Architecture>(get, "architecture", STEP.architecture, STEP_ARG_RULES.architecture),
        capacity: choice<Capacity>(get, "capacity", STEP.capacity, STEP_ARG_RULES.capacity),
        taskTimeoutSeconds: integer(get, "taskTimeoutSeconds", STEP_DEFAULTS.timeoutSeconds, seconds)!,
        heartbeatSeconds: integer(get, "heartbeatSeconds", STEP_DEFAULTS.heartbeatSeconds, seconds)!,
        stateMachineTimeoutSeconds: integer(
            get,
            "stateMachineTimeoutSeconds",
            undefined,
            STEP_STATE_MACHINE_RULES.timeoutSeconds,
        ),
        logRetentionDays: retention(get, "logRetentionDays", STEP.logRetentionDays),
        logLevel: choice<LogLevel>(get, "logLevel", MACHINE.logLevel, STEP_STATE_MACHINE_RULES.logLevel),
        includeExecutionData: boolean(get, "includeExecutionData", MACHINE.includeExecutionData),
        jobDurationMs: integer(get, "jobDurationMs", STEP.jobDurationMs, STEP_ARG_RULES.jobDurationMs)!,
        waitForRunning: boolean(get, "waitForRunning", false),
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
