// Which execution an ECS task was started for. The trigger passes the execution ARN verbatim to
// the worker container as an environment override: DescribeTasks and the "task state change"
// event both return the task's `overrides`, and an override takes any characters, where a tag
// refuses most of those an execution name may hold. The execution tag stays for people (console
// filters), escaped (tag-value.ts); tasks started by a trigger older than the override carry only
// the tag, with the ARN as it was.
import type { EcsTaskDescription } from "./trigger";

/** The task definition's one container, which the override names. */
export const WORKER_CONTAINER_NAME = "worker";
/** The variable the trigger sets on the worker container: the execution ARN, verbatim. */
export const EXECUTION_ARN_VARIABLE = "STEP_FUNCTIONS_EXECUTION_ARN";

/** RunTask's `overrides` that hand the execution ARN to the worker container. */
export function executionOverrides(executionArn: string) {
    return {
        containerOverrides: [
            { name: WORKER_CONTAINER_NAME, environment: [{ name: EXECUTION_ARN_VARIABLE, value: executionArn }] },
        ],
    };
}

/** The execution a task was started for: its environment override, else (an older trigger) its tag. */
export function executionArnOfTask(task: EcsTaskDescription, tagKey: string): string | undefined {
    for (const override of task.overrides?.containerOverrides ?? []) {
        const value = override.environment?.find(e => e.name === EXECUTION_ARN_VARIABLE)?.value;
        if (value) return value;
    }
    return task.tags?.find(t => t.key === tagKey)?.value;
}
