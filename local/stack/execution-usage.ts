// One execution's usage, read from the local run for the cost forecast (local/forecast): the ECS
// tasks started for it (by the execution ARN the trigger passes in their overrides), its history's
// transitions, the Lambda invocations about it or its tasks, their logs and DynamoDB requests.
// Fargate's billed time comes from the timing model's timestamps (modelled phases scaled back to
// model seconds, the container's own running time as measured) or, without the model, from the
// run's running time plus the model's medians for what a local run cannot know.
import { medianPlan, TaskRecord, TaskTimingPlan } from "../ecs/endpoint";
import { countTransitions, RunUsage, TaskUsage, LambdaUsage } from "../forecast/run-usage";
import { CostReport, forecastCost } from "../forecast/cost";
import type { HistoryEvent } from "../sfn/engine";
import type { LocalStack } from "./local-stack";

/** The variable the trigger sets on the worker container (functions/task-execution.ts). */
const EXECUTION_ARN_VARIABLE = "STEP_FUNCTIONS_EXECUTION_ARN";
/** Lambda's own START, END and REPORT lines per invocation, in bytes (estimate). */
const LAMBDA_PLATFORM_LOG_BYTES = 260;

/** Each task's execution, read once: a task's overrides never change after RunTask. */
const executionOfTask = new WeakMap<TaskRecord, string | undefined>();

function executionArnOf(task: TaskRecord): string | undefined {
    if (!executionOfTask.has(task)) {
        const variable = (task.overrides.containerOverrides ?? [])
            .flatMap(o => o.environment ?? [])
            .find(e => e.name === EXECUTION_ARN_VARIABLE);
        executionOfTask.set(task, variable?.value);
    }
    return executionOfTask.get(task);
}

export function tasksStartedFor(stack: Pick<LocalStack, "ecs">, executionArn: string): TaskRecord[] {
    return stack.ecs.tasks().filter(t => executionArnOf(t) === executionArn);
}

/** Seconds Fargate bills for the task: from the image pull's start to the stop. */
function taskSeconds(task: TaskRecord, plan: TaskTimingPlan | undefined, scale: number, median: TaskTimingPlan) {
    const ran = task.startedAt !== undefined ? ((task.executionStoppedAt ?? Date.now()) - task.startedAt) / 1000 : 0;
    if (plan && task.pullStartedAt !== undefined && task.stoppedAt !== undefined) {
        const modelled = (task.stoppedAt - task.pullStartedAt) / 1000 - ran;
        return { seconds: modelled / scale + ran, source: "the timing model's timestamps (running time as measured)" };
    }
    const p = plan ?? median;
    const started = task.startedAt !== undefined ? p.pull + p.containerStart : p.pull;
    return {
        seconds: started + ran + p.deactivating + p.stopping + p.deprovisioning,
        source: plan
            ? "the timing model's plan (the task had not stopped yet)"
            : "the local running time plus the timing model's medians for the image pull, container start and stop",
    };
}

function taskUsage(stack: LocalStack, task: TaskRecord): TaskUsage {
    const definition = stack.world.taskDefinitions.find(d => d.arn === task.taskDefinitionArn);
    const median = medianPlan(stack.ecs.imageBytes(task.image ?? ""));
    const { seconds, source } = taskSeconds(task, stack.ecs.taskTiming(task.taskArn), stack.ecs.timeScale, median);
    return {
        taskArn: task.taskArn,
        vcpu: Number(task.cpu ?? definition?.cpu ?? 256) / 1024,
        memoryGb: Number(task.memory ?? definition?.memory ?? 512) / 1024,
        architecture: definition?.runtimePlatform?.cpuArchitecture === "ARM64" ? "ARM64" : "X86_64",
        spot: task.capacityProviderName === "FARGATE_SPOT",
        publicIp: task.assignPublicIp === "ENABLED",
        seconds,
        secondsSource: source,
    };
}

/** The state machine's log bytes: its history as CloudWatch Logs would get it at its logging level. */
function stateMachineLogBytes(stack: LocalStack, history: HistoryEvent[]): number {
    const machine = stack.plan.resources.find(
        r => r.type === "aws:sfn/stateMachine:StateMachine" && r.state.arn === stack.stateMachineArn,
    );
    const level = machine?.inputs.loggingConfiguration?.level ?? "OFF";
    const logged = history.filter(({ type = "" }) =>
        level === "ALL"
            ? true
            : level === "ERROR"
              ? /Failed|TimedOut|Aborted/.test(type)
              : level === "FATAL"
                ? /^Execution(Failed|TimedOut|Aborted)/.test(type)
                : false,
    );
    return logged.reduce((sum, e) => sum + Buffer.byteLength(JSON.stringify(e)), 0);
}

export function executionUsage(stack: LocalStack, executionArn: string, history: HistoryEvent[]): RunUsage {
    const tasks = tasksStartedFor(stack, executionArn);
    const keys = [executionArn, ...tasks.map(t => t.taskArn)];
    const needles = keys.map(k => JSON.stringify(k).slice(1, -1));
    const invocations = stack.usage.invocations.filter(i => needles.some(k => i.payloadText.includes(k)));
    const lambdas = new Map<string, LambdaUsage>();
    for (const i of invocations) {
        const fn = stack.world.functions.find(f => f.arn === i.functionArn);
        const entry = lambdas.get(i.functionName) ?? {
            functionName: i.functionName,
            memoryGb: (fn?.memoryMb ?? 128) / 1024,
            architecture: fn?.architecture ?? "x86_64",
            durationsMs: [],
        };
        entry.durationsMs.push(i.durationMs);
        lambdas.set(i.functionName, entry);
    }
    const notes = tasks.some(t => t.lastStatus !== "STOPPED")
        ? [
              "A task had not stopped when the cost was taken: its stop is the model's, and a healer run on its stop is missing.",
          ]
        : [];
    return {
        transitions: countTransitions(history),
        tasks: tasks.map(t => taskUsage(stack, t)),
        lambdas: [...lambdas.values()],
        logBytes:
            tasks.reduce((sum, t) => sum + stack.usage.containerLogBytes(t.taskId), 0) +
            invocations.reduce((sum, i) => sum + i.logBytes + LAMBDA_PLATFORM_LOG_BYTES, 0) +
            stateMachineLogBytes(stack, history),
        dynamoDb: {
            writeUnits: invocations.reduce((sum, i) => sum + i.dynamoDb.writes, 0),
            readUnits: invocations.reduce((sum, i) => sum + i.dynamoDb.reads, 0),
        },
        notes,
    };
}

function sleep(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

/**
 * The execution's cost once its tasks have stopped and the healer runs on their stops have ended
 * (waiting at most `maxWaitMs`, or until `stopWaiting` says so; under the timing model a task
 * takes its modelled stop first).
 */
export async function executionCost(
    stack: LocalStack,
    executionArn: string,
    history: HistoryEvent[],
    options: { maxWaitMs?: number; stopWaiting?: () => boolean } = {},
): Promise<CostReport> {
    const end = Date.now() + (options.maxWaitMs ?? 30_000);
    const waiting = () => Date.now() < end && !options.stopWaiting?.();
    const settled = () =>
        tasksStartedFor(stack, executionArn).every(t => t.lastStatus === "STOPPED") &&
        stack.pendingSubscriptions() === 0;
    while (!settled() && waiting()) await sleep(50);
    // A stop's healer invocation starts a moment after the STOPPED event.
    await sleep(20);
    while (stack.pendingSubscriptions() > 0 && waiting()) await sleep(50);
    return forecastCost(executionUsage(stack, executionArn, history));
}
