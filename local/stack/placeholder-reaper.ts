// --external-workers: RunTask starts no container, only a placeholder task that stays RUNNING,
// while a worker run by hand does the work. A real container ends once it has done its one task
// (the worker's MAX_TASKS is 1); a placeholder has no process to end, so this ends it instead:
// one placeholder of the step when one of the execution's activity tasks of that step closes
// (succeeded, failed, timed out), and every one left when the execution ends. It ends them
// without an ECS task state change event (EcsEndpoint.retirePlaceholder): a placeholder is
// local-only, and a STOPPED event would wake the healer for a container that never existed.
import type { EcsEndpoint } from "../ecs/endpoint";
import type { HistoryEvent } from "../sfn/engine";
import type { DeclaredWorld } from "./declared-world";
import { tasksOfExecution } from "./execution-tasks";

const ACTIVITY_CLOSED = new Set(["ActivitySucceeded", "ActivityFailed", "ActivityTimedOut"]);

/** Returns the engine's onEvent observer that ends placeholders as their executions go on. */
export function placeholderReaper(
    ecs: Pick<EcsEndpoint, "tasks" | "retirePlaceholder">,
    world: Pick<DeclaredWorld, "steps">,
): (executionArn: string, event: HistoryEvent) => void {
    const taskDefinitionOf = new Map(world.steps.map(s => [s.activityArn, s.taskDefinitionArn]));
    /** Per running execution: its Activity* events by id, each with the activity it is about. */
    const activityEvents = new Map<string, Map<number, string | undefined>>();

    const placeholdersOf = (executionArn: string, taskDefinitionArn?: string) =>
        tasksOfExecution(ecs.tasks(), executionArn).filter(
            t =>
                t.lastStatus === "RUNNING" &&
                (taskDefinitionArn === undefined || t.taskDefinitionArn === taskDefinitionArn),
        );

    return (executionArn, event) => {
        const type = event.type ?? "";
        if (type.startsWith("Execution") && type !== "ExecutionStarted") {
            activityEvents.delete(executionArn);
            for (const task of placeholdersOf(executionArn)) ecs.retirePlaceholder(task.taskArn);
            return;
        }
        if (!type.startsWith("Activity")) return;
        let events = activityEvents.get(executionArn);
        if (!events) activityEvents.set(executionArn, (events = new Map()));
        // ActivityScheduled names the activity; its Started and closing events chain to it.
        const activityArn = event.activityScheduledEventDetails?.resource ?? events.get(event.previousEventId ?? -1);
        events.set(event.id!, activityArn);
        if (!ACTIVITY_CLOSED.has(type) || activityArn === undefined) return;
        const oldest = placeholdersOf(executionArn, taskDefinitionOf.get(activityArn))[0];
        if (oldest) ecs.retirePlaceholder(oldest.taskArn);
    };
}
