// Running executions on the local runtime under faults, for the end-to-end tests: a stack with short
// clocks, an execution watched event by event, and the clean-up that keeps tests apart.
import { HistoryEvent } from "../../local/sfn/engine";
import { LocalStack, LocalStackOptions, startLocalStack } from "../../local/stack/local-stack";
import { PROJECT_DIR } from "./dev-stack";

/** Short clocks so a lost heartbeat shows in seconds; retry waits scaled to milliseconds. */
export function failureStack(
    heartbeatSeconds: number,
    options: Partial<LocalStackOptions> = {},
    config: Record<string, string> = {},
): Promise<LocalStack> {
    return startLocalStack({
        projectDir: PROJECT_DIR,
        stack: "dev",
        configOverrides: {
            "fargate-activity:heartbeatSeconds": String(heartbeatSeconds),
            "fargate-activity:taskTimeoutSeconds": "120",
            ...config,
        },
        retryIntervalScale: 0.001,
        maxStopTimeoutMs: 2000,
        // Empty polls end quickly, so spare containers stop quickly when told to (see afterEach).
        maxPollSeconds: 2,
        containerOutput: () => undefined,
        lambdaOutput: () => undefined,
        ...options,
    });
}

export interface Watched {
    arn: string;
    events: HistoryEvent[];
    /** Resolves with the first event of `type` (already seen or to come). */
    next(type: string, count?: number): Promise<HistoryEvent>;
    done: Promise<{ status: string; output?: string; error?: string; cause?: string }>;
}

export function watch(stack: LocalStack, input: object, name?: string): Watched {
    const { executionArn } = stack.engine.startExecution({
        stateMachineArn: stack.stateMachineArn,
        input: JSON.stringify(input),
        name,
    });
    const events: HistoryEvent[] = [];
    const waiters: Array<() => void> = [];
    stack.engine.subscribe(executionArn, e => {
        events.push(e);
        waiters.splice(0).forEach(w => w());
    });
    const next = (type: string, count = 1) =>
        new Promise<HistoryEvent>(resolve => {
            const check = () => {
                const found = events.filter(e => e.type === type);
                if (found.length >= count) resolve(found[count - 1]);
                else waiters.push(check);
            };
            check();
        });
    return { arn: executionArn, events, next, done: stack.engine.waitForExecution(executionArn) as any };
}

export const count = (w: Watched, type: string) => w.events.filter(e => e.type === type).length;
export const failures = (w: Watched) =>
    w.events
        .map(
            e =>
                (e as any).activityFailedEventDetails?.error ??
                (e as any).lambdaFunctionFailedEventDetails?.error ??
                (e as any).activityTimedOutEventDetails?.error,
        )
        .filter(Boolean);

/** Resolves once the worker has tagged its ECS task as having taken a task (the healer's signal). */
export async function tagged(stack: LocalStack, taskArn: string): Promise<void> {
    const deadline = Date.now() + 10_000;
    while (!stack.ecs.task(taskArn)?.tags.some(t => t.key === "step-functions-activity-task")) {
        if (Date.now() > deadline) throw new Error(`${taskArn} was never tagged as having taken a task`);
        await new Promise(r => setTimeout(r, 20));
    }
}

/**
 * Ends the containers a test left (a healed or retried execution may leave a spare one polling,
 * which would take the next test's task) and waits for the healer's invocations: tests stay apart.
 */
export async function quiesce(stack: LocalStack): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (const t of stack.ecs.tasks())
        if (t.lastStatus !== "STOPPED") stack.ecs.testHooks.killTask(t.taskArn, "SIGTERM");
    while (stack.ecs.tasks().some(t => t.lastStatus !== "STOPPED") || stack.pendingSubscriptions() > 0) {
        if (Date.now() > deadline)
            throw new Error("containers or healer invocations still running 30 s after the test");
        await new Promise(r => setTimeout(r, 50));
    }
}

/** The ECS task whose worker took the execution's activity task (attempt n): tasks go to any poller, so ask ActivityStarted. */
export function takerOf(stack: LocalStack, w: Watched, attempt = 1): string {
    const started = w.events.filter(e => e.type === "ActivityStarted")[attempt - 1] as any;
    const task = stack.ecs.task(started.activityStartedEventDetails.workerName);
    if (!task) throw new Error(`no ECS task ${started.activityStartedEventDetails.workerName}`);
    return task.taskArn;
}
