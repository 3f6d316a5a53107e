// Which ECS tasks belong to an execution: those its triggers started, which carry the execution's
// ARN in the tag the trigger sets (functions/trigger.ts).
import type { TaskRecord } from "../ecs/endpoint";
import { EXECUTION_TAG_KEY } from "../../functions/trigger";

/** The tasks started for `executionArn`, oldest first. */
export function tasksOfExecution(tasks: TaskRecord[], executionArn: string): TaskRecord[] {
    return tasks.filter(t => t.tags.some(tag => tag.key === EXECUTION_TAG_KEY && tag.value === executionArn));
}
