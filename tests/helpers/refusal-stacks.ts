// What the "AWS says no" end-to-end files share: the dev stack with short clocks, its closing
// (no worker or Lambda host left), and the tasks of one execution.
import * as assert from "assert";
import { LocalStack, LocalStackOptions } from "../../local/stack/local-stack";
import { failureStack } from "./executions";
import { LAMBDA_HOST_PROCESS, waitUntilNoProcess, WORKER_PROCESS } from "./processes";
import { liveTasks, quiesce, waitFor, Watched } from "./watched-executions";

export const TASK_TAKEN_TAG = "step-functions-activity-task";

/** The dev stack with short clocks: retry waits scaled to milliseconds, empty polls of 2 s. */
function stackWith(options: Partial<LocalStackOptions> = {}, config: Record<string, string> = {}): Promise<LocalStack> {
    return failureStack(10, options, config);
}

async function closeStack(stack: LocalStack | undefined): Promise<void> {
    await stack?.close();
    assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), []);
    assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), []);
}

/** The ECS tasks an execution's triggers started (tagged with its ARN). */
export function tasksOf(stack: LocalStack, w: Watched) {
    return stack.ecs.tasks().filter(t => t.tags.some(tag => tag.value === w.arn));
}

/** Every task ended by itself (its worker took one task and exited, or exited idle): none left running. */
export async function allStoppedOnTheirOwn(stack: LocalStack, timeoutMs: number): Promise<void> {
    await waitFor("every task stopped", () => liveTasks(stack).length === 0, timeoutMs);
}

/** The config of a stack whose trigger waits for RUNNING (off by default): the waiting mode's cases. */
export const WAITING_FOR_RUNNING = { "fargate-activity:waitForRunning": "true" };

/**
 * One stack for the enclosing describe block: started before its first test, quiesced after each
 * and closed after the last (no process left). Returns the getter its tests read the stack with.
 */
export function stackPerDescribe(
    options: Partial<LocalStackOptions> = {},
    config: Record<string, string> = {},
): () => LocalStack {
    let stack: LocalStack | undefined;
    before(async () => {
        stack = await stackWith(options, config);
    });
    afterEach(() => quiesce(stack!));
    after(() => closeStack(stack));
    return () => stack!;
}
