// Executions on a local stack watched event by event, and the stack's containers after a test:
// what the end-to-end failure tests assert on.
import { HistoryEvent } from "../../local/sfn/engine";
import { LocalStack } from "../../local/stack/local-stack";
import type { TaskRecord } from "../../local/ecs/endpoint";

export interface ExecutionEnd {
    status: string;
    output?: string;
    error?: string;
    cause?: string;
}

export interface Watched {
    arn: string;
    events: HistoryEvent[];
    done: Promise<ExecutionEnd>;
}

export function watch(stack: LocalStack, input: object): Watched {
    const { executionArn } = stack.engine.startExecution({
        stateMachineArn: stack.stateMachineArn,
        input: JSON.stringify(input),
    });
    const events: HistoryEvent[] = [];
    stack.engine.subscribe(executionArn, e => events.push(e));
    return { arn: executionArn, events, done: stack.engine.waitForExecution(executionArn) as Promise<ExecutionEnd> };
}

export const countOf = (w: Watched, type: string) => w.events.filter(e => e.type === type).length;

/** The errors of the execution's failed trigger invocations and activity attempts, in order. */
export function failuresOf(w: Watched): string[] {
    return w.events
        .map(
            e =>
                (e as any).activityFailedEventDetails?.error ??
                (e as any).lambdaFunctionFailedEventDetails?.error ??
                (e as any).lambdaFunctionTimedOutEventDetails?.error ??
                (e as any).activityTimedOutEventDetails?.error,
        )
        .filter(Boolean);
}

/** The execution's end, or a rejection naming what it was waiting for after `timeoutMs`. */
export function endWithin(w: Watched, timeoutMs: number): Promise<ExecutionEnd> {
    let timer: NodeJS.Timeout;
    const late = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
            const last = w.events.at(-1)?.type ?? "nothing";
            reject(new Error(`execution not ended after ${timeoutMs} ms (last event: ${last})`));
        }, timeoutMs);
    });
    return Promise.race([w.done, late]).finally(() => clearTimeout(timer));
}

export async function waitFor(what: string, condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(`${what}: not so after ${timeoutMs} ms`);
        await new Promise(r => setTimeout(r, 50));
    }
}

/** Tasks not yet STOPPED. */
export function liveTasks(stack: LocalStack): TaskRecord[] {
    return stack.ecs.tasks().filter(t => t.lastStatus !== "STOPPED");
}

/**
 * Ends the containers a test left (a spare one polling would take the next test's task) and waits
 * for the healer's invocations, so tests stay apart.
 */
export async function quiesce(stack: LocalStack): Promise<void> {
    stack.ecs.testHooks.clearCallFailures();
    for (const t of liveTasks(stack)) stack.ecs.testHooks.killTask(t.taskArn, "SIGTERM");
    await waitFor(
        "containers and healer invocations ended",
        () => liveTasks(stack).length === 0 && stack.pendingSubscriptions() === 0,
        30_000,
    );
}
