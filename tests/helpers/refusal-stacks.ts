// What the "AWS says no" end-to-end files share: the dev stack with short clocks, its closing
// (no worker or Lambda host left), and the tasks of one execution.
import * as assert from "assert";
import { LocalStack, LocalStackOptions } from "../../local/stack/local-stack";
import { failureStack } from "./executions";
import { LAMBDA_HOST_PROCESS, waitUntilNoProcess, WORKER_PROCESS } from "./processes";
import { liveTasks, waitFor, Watched } from "./watched-executions";

export const TASK_TAKEN_TAG = "step-functions-activity-task";

/** The dev stack with short clocks: retry waits scaled to milliseconds, empty polls of 2 s. */
export function stackWith(
    options: Partial<LocalStackOptions> = {},
    config: Record<string, string> = {},
): Promise<LocalStack> {
    return failureStack(10, options, config);
}

export async function closeStack(stack: LocalStack | undefined): Promise<void> {
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
