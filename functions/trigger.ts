// The trigger Lambda's logic: start one Fargate task for a Step Functions execution. Plain
// functions over a minimal ECS interface, so they are tested without AWS; the component wraps them
// in a CallbackFunction that supplies the real SDK client. Never import @pulumi/* or SDK values
// here: the closure serializer copies this module into the Lambda archive.
import { namedError } from "./errors";
import { errorMessage } from "./ecs-call-errors";
import { encodeTagValue } from "./tag-value";
import { executionOverrides } from "./task-execution";
import { stopStartedTask, watchTask, WatchEnd, WatchOptions } from "./task-watch";
import { deadlineError, runTaskError, withTaskStopped } from "./trigger-errors";

export { isThrottling } from "./ecs-call-errors";
export { pollDelayMs } from "./task-watch";

/** What `trigger-<step>` passes (its Parameters). */
export interface TriggerEvent {
    executionArn: string;
    executionName?: string;
}

/** What the trigger returns: the state keeps it under `_execution`, the worker reads it there. */
export interface TriggerResult {
    executionArn: string;
    taskArn: string;
}

export type Capacity = "FARGATE" | "FARGATE_SPOT";

export interface TriggerConfig {
    cluster: string;
    taskDefinition: string;
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: boolean;
    capacity: Capacity;
    platformVersion: string;
    /** Wait this long for the task to be RUNNING; 0 returns right after RunTask. */
    waitForRunningSeconds: number;
}

/** The Lambda environment variables the component sets and `readTriggerConfig` reads. */
export const TRIGGER_ENV = {
    cluster: "CLUSTER_ARN",
    taskDefinition: "TASK_DEFINITION_ARN",
    subnets: "SUBNET_IDS",
    securityGroups: "SECURITY_GROUP_IDS",
    assignPublicIp: "ASSIGN_PUBLIC_IP",
    capacity: "CAPACITY",
    platformVersion: "PLATFORM_VERSION",
    waitForRunningSeconds: "WAIT_FOR_RUNNING_SECONDS",
} as const;

/** Tag on every task the trigger starts: which execution it serves (escaped: tag-value.ts), for people. */
export const EXECUTION_TAG_KEY = "step-functions-execution-arn";
/**
 * Tag the worker puts on its own ECS task when it takes an activity task (value: that task's
 * execution ARN). Tasks of one activity are handed out in any order, so a container may serve
 * another execution than the one that started it; this tag says whether it took one at all.
 */
export const TASK_TAKEN_TAG_KEY = "step-functions-activity-task";

export interface RunTaskAnswer {
    tasks?: Array<{ taskArn?: string }>;
    failures?: Array<{ arn?: string; reason?: string; detail?: string }>;
}

export interface EcsTaskDescription {
    taskArn?: string;
    lastStatus?: string;
    /** When the task went from PENDING to RUNNING (the SDK gives a Date). */
    startedAt?: Date | number | string;
    stoppedReason?: string;
    stopCode?: string;
    containers?: Array<{ name?: string; exitCode?: number; reason?: string }>;
    tags?: Array<{ key?: string; value?: string }>;
    overrides?: {
        containerOverrides?: Array<{ name?: string; environment?: Array<{ name?: string; value?: string }> }>;
    };
}

/** What the SDK's `send` takes besides the command: the trigger gives each call a time limit. */
export interface EcsCallOptions {
    abortSignal?: AbortSignal;
}

/** The ECS calls the trigger needs; the Lambda adapts the SDK client to them. */
export interface EcsRunTask {
    runTask(request: Record<string, unknown>): Promise<RunTaskAnswer>;
    describeTasks?(
        request: {
            cluster: string;
            tasks: string[];
            include?: string[];
        },
        options?: EcsCallOptions,
    ): Promise<{ tasks?: EcsTaskDescription[]; failures?: RunTaskAnswer["failures"] }>;
    stopTask?(request: { cluster: string; task: string; reason: string }, options?: EcsCallOptions): Promise<unknown>;
}

export interface Clock {
    now(): number;
    sleep(ms: number): Promise<void>;
    /** Jitter; Math.random when absent. */
    random?(): number;
}

export const realClock: Clock = {
    now: () => Date.now(),
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    random: () => Math.random(),
};

function required(env: Record<string, string | undefined>, name: string): string {
    const value = env[name];
    if (!value) throw namedError("Trigger.Misconfigured", `environment variable ${name} is not set`);
    return value;
}

function list(value: string): string[] {
    return value
        .split(",")
        .map(s => s.trim())
        .filter(s => s.length > 0);
}

export function readTriggerConfig(env: Record<string, string | undefined>): TriggerConfig {
    const capacity = required(env, TRIGGER_ENV.capacity);
    if (capacity !== "FARGATE" && capacity !== "FARGATE_SPOT")
        throw namedError(
            "Trigger.Misconfigured",
            `${TRIGGER_ENV.capacity} must be FARGATE or FARGATE_SPOT, not ${capacity}`,
        );
    const assign = required(env, TRIGGER_ENV.assignPublicIp);
    if (assign !== "ENABLED" && assign !== "DISABLED")
        throw namedError(
            "Trigger.Misconfigured",
            `${TRIGGER_ENV.assignPublicIp} must be ENABLED or DISABLED, not ${assign}`,
        );
    const subnets = list(required(env, TRIGGER_ENV.subnets));
    const wait = Number(env[TRIGGER_ENV.waitForRunningSeconds] ?? "0");
    if (!Number.isInteger(wait) || wait < 0)
        throw namedError(
            "Trigger.Misconfigured",
            `${TRIGGER_ENV.waitForRunningSeconds} must be a whole number of seconds, not ${env[TRIGGER_ENV.waitForRunningSeconds]}`,
        );
    return {
        cluster: required(env, TRIGGER_ENV.cluster),
        taskDefinition: required(env, TRIGGER_ENV.taskDefinition),
        subnets,
        securityGroups: list(env[TRIGGER_ENV.securityGroups] ?? ""),
        assignPublicIp: assign === "ENABLED",
        capacity,
        platformVersion: required(env, TRIGGER_ENV.platformVersion),
        waitForRunningSeconds: wait,
    };
}

/** `startedBy` takes letters, digits, `-`, `/` and `_` only (36 characters is the safe length). */
export function startedByFor(executionName: string | undefined): string | undefined {
    if (!executionName) return undefined;
    const cleaned = executionName.replace(/[^A-Za-z0-9_/-]/g, "_").slice(0, 36);
    return cleaned.length > 0 ? cleaned : undefined;
}

export function buildRunTaskRequest(config: TriggerConfig, event: TriggerEvent): Record<string, unknown> {
    const request: Record<string, unknown> = {
        cluster: config.cluster,
        taskDefinition: config.taskDefinition,
        count: 1,
        platformVersion: config.platformVersion,
        networkConfiguration: {
            awsvpcConfiguration: {
                subnets: config.subnets,
                securityGroups: config.securityGroups.length > 0 ? config.securityGroups : undefined,
                assignPublicIp: config.assignPublicIp ? "ENABLED" : "DISABLED",
            },
        },
        // The healer reads the execution from the override; the tag (escaped) is for people.
        overrides: executionOverrides(event.executionArn),
        tags: [{ key: EXECUTION_TAG_KEY, value: encodeTagValue(event.executionArn) }],
    };
    // A capacity provider strategy and a launch type cannot be combined.
    if (config.capacity === "FARGATE_SPOT")
        request.capacityProviderStrategy = [{ capacityProvider: "FARGATE_SPOT", weight: 1 }];
    else request.launchType = "FARGATE";
    const startedBy = startedByFor(event.executionName);
    if (startedBy) request.startedBy = startedBy;
    return request;
}

function describeFailures(failures: NonNullable<RunTaskAnswer["failures"]>): string {
    return failures.map(f => [f.reason, f.detail, f.arn].filter(Boolean).join(" ")).join("; ");
}

/** The named error for a RunTask answer that started no task, or undefined when a task started. */
export function errorForRunTaskAnswer(answer: RunTaskAnswer): Error | undefined {
    const failures = answer.failures ?? [];
    const taskArn = answer.tasks?.[0]?.taskArn;
    if (taskArn && failures.length === 0) return undefined;
    if (failures.some(f => /capacity/i.test(`${f.reason ?? ""} ${f.detail ?? ""}`))) {
        return namedError("Trigger.NoCapacity", `RunTask found no Fargate capacity: ${describeFailures(failures)}`);
    }
    if (failures.length > 0)
        return namedError("Trigger.RunTaskFailed", `RunTask failed: ${describeFailures(failures)}`);
    return namedError("Trigger.RunTaskFailed", "RunTask answered without a task and without failures");
}

export function validateTriggerEvent(event: unknown): TriggerEvent {
    const e = event as Partial<TriggerEvent> | null;
    if (!e || typeof e.executionArn !== "string" || e.executionArn.length === 0) {
        throw namedError(
            "Trigger.InvalidEvent",
            `the trigger needs {"executionArn": "<arn>"} from its state's Parameters, got ${JSON.stringify(event)}`,
        );
    }
    return {
        executionArn: e.executionArn,
        executionName: typeof e.executionName === "string" ? e.executionName : undefined,
    };
}

/** Why a stopped task stopped, in one line: ECS's reason, stop code and the container's exit code. */
export function describeStoppedTask(task: EcsTaskDescription): string {
    const container = task.containers?.[0];
    const parts = [task.stoppedReason ?? "no reason given"];
    if (task.stopCode) parts.push(`stop code ${task.stopCode}`);
    if (container?.exitCode !== undefined)
        parts.push(`${container.name ? `container ${container.name}` : "container"} exit code ${container.exitCode}`);
    if (container?.reason) parts.push(`container reason: ${container.reason}`);
    return parts.join("; ");
}

/**
 * Waits until the task is RUNNING. Throws Trigger.TaskStopped with ECS's reason when it stops
 * first (image pull failure, missing secret, crash at start). On any other failure it stops the
 * task and throws: Trigger.TaskStopped when it is not RUNNING in time, Trigger.Throttled or
 * Trigger.EcsUnavailable when DescribeTasks kept failing until the deadline (all retried by the
 * block), or ECS's own error when ECS refuses the call for good (not retried).
 */
export async function waitForRunning(
    ecs: EcsRunTask,
    cluster: string,
    taskArn: string,
    timeoutSeconds: number,
    clock: Clock = realClock,
    options?: WatchOptions,
): Promise<void> {
    const { describeTasks, stopTask } = ecs;
    if (!describeTasks || !stopTask)
        throw namedError("Trigger.Misconfigured", "waiting for RUNNING needs DescribeTasks and StopTask");
    const stop = (reason: string) =>
        stopStartedTask({ stopTask: stopTask.bind(ecs) }, cluster, taskArn, reason, clock, options);
    let end: WatchEnd;
    try {
        end = await watchTask(
            { describeTasks: describeTasks.bind(ecs) },
            cluster,
            taskArn,
            timeoutSeconds,
            clock,
            options,
        );
    } catch (error) {
        throw await withTaskStopped(stop, taskArn, error, `the trigger failed: ${errorMessage(error)}`);
    }
    if (end.kind === "running") return;
    if (end.kind === "stopped")
        throw namedError(
            "Trigger.TaskStopped",
            `task ${taskArn} stopped before it was RUNNING: ${describeStoppedTask(end.task)}`,
        );
    const error = deadlineError(end, taskArn, timeoutSeconds);
    throw await withTaskStopped(stop, taskArn, error, `not RUNNING within ${timeoutSeconds} s of RunTask`);
}

/**
 * Starts the task for one execution; throws Trigger.NoCapacity, Trigger.RunTaskFailed,
 * Trigger.Throttled, Trigger.EcsUnavailable, Trigger.TaskStopped, or ECS's own error for a refusal.
 */
export async function triggerTask(
    ecs: EcsRunTask,
    config: TriggerConfig,
    event: unknown,
    clock: Clock = realClock,
): Promise<TriggerResult> {
    const valid = validateTriggerEvent(event);
    const answer = await ecs.runTask(buildRunTaskRequest(config, valid)).catch(error => {
        throw runTaskError(error);
    });
    const error = errorForRunTaskAnswer(answer);
    if (error) throw error;
    const taskArn = answer.tasks![0].taskArn!;
    console.log(JSON.stringify({ event: "task-started", executionArn: valid.executionArn, taskArn }));
    if (config.waitForRunningSeconds > 0) {
        const started = clock.now();
        await waitForRunning(ecs, config.cluster, taskArn, config.waitForRunningSeconds, clock);
        console.log(
            JSON.stringify({
                event: "task-running",
                executionArn: valid.executionArn,
                taskArn,
                waitedMs: clock.now() - started,
            }),
        );
    }
    return { executionArn: valid.executionArn, taskArn };
}
