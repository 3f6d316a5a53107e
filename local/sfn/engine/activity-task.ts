// A Task that runs an activity: the task goes to the ActivityScheduler (the local activity store,
// where a worker polls for it), and the Task ends with the outcome the scheduler reports.
import type { ActivityOutcome, ScheduledActivityTask } from "../activity-types";
import { aslError, closedError, runtimeError, timeoutError } from "./asl-errors";
import { AWS_DEFAULT_TASK_TIMEOUT_SECONDS, TaskInfo } from "./definition";
import { DATA, json } from "./event-data";
import type { EngineContext } from "./context";
import type { ExecutionRecord } from "./records";
import { beginTaskEvents, RecordTaskEvent, taskSeconds } from "./task-support";

interface ActivityClocks {
    timeoutSeconds?: number;
    heartbeatSeconds?: number;
}

/** The Task handler for an activity Task state: the worker's output, or an ASL error thrown into the library. */
export async function runActivity(
    ctx: EngineContext,
    exec: ExecutionRecord,
    task: TaskInfo,
    input: unknown,
): Promise<unknown> {
    const record = beginTaskEvents(exec, task.stateName);
    const clocks: ActivityClocks = {
        timeoutSeconds: taskSeconds(task.timeoutSeconds, task.timeoutSecondsPath, input, "TimeoutSeconds"),
        heartbeatSeconds: taskSeconds(task.heartbeatSeconds, task.heartbeatSecondsPath, input, "HeartbeatSeconds"),
    };
    const scheduled = schedule(ctx, exec, task.activityArn!, json(input), clocks, record);
    exec.openTasks.add(scheduled);
    if (exec.status !== "RUNNING") {
        // stopped while the scheduler was being called
        scheduled.cancel("execution stopped");
    }
    let outcome;
    try {
        outcome = await scheduled.outcome;
    } finally {
        exec.openTasks.delete(scheduled);
    }
    if (exec.status !== "RUNNING") throw closedError();
    if (outcome.kind === "timedOut") {
        const cause = timedOutCause(outcome.error, clocks);
        record("ActivityTimedOut", { activityTimedOutEventDetails: { error: outcome.error, cause } });
        throw outcome.error === "States.Timeout"
            ? await timeoutError(cause, ctx.timeoutPrototype)
            : aslError(outcome.error, cause);
    }
    return settle(outcome, record);
}

/** ActivityScheduled, then the task handed to the scheduler; a scheduler's refusal is ActivityScheduleFailed. */
function schedule(
    ctx: EngineContext,
    exec: ExecutionRecord,
    activityArn: string,
    inputText: string,
    { timeoutSeconds, heartbeatSeconds }: ActivityClocks,
    record: RecordTaskEvent,
): ScheduledActivityTask {
    record("ActivityScheduled", {
        activityScheduledEventDetails: {
            resource: activityArn,
            input: inputText,
            inputDetails: DATA,
            ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
            ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}),
        },
    });
    try {
        return ctx.options.scheduler.schedule(
            { activityArn, input: inputText, timeoutSeconds, heartbeatSeconds, executionArn: exec.arn },
            {
                onStarted: workerName =>
                    record("ActivityStarted", {
                        activityStartedEventDetails: workerName === undefined ? {} : { workerName },
                    }),
            },
        );
    } catch (err: any) {
        const error = String(err?.code ?? err?.name ?? "States.Runtime");
        const cause = String(err?.message ?? err);
        record("ActivityScheduleFailed", { activityScheduleFailedEventDetails: { error, cause } });
        throw aslError(error, cause);
    }
}

function timedOutCause(error: "States.Timeout" | "States.HeartbeatTimeout", clocks: ActivityClocks): string {
    return error === "States.Timeout"
        ? `the activity task did not finish within TimeoutSeconds (${clocks.timeoutSeconds ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS}) of ActivityStarted`
        : `no heartbeat within HeartbeatSeconds (${clocks.heartbeatSeconds ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS})`;
}

/** The Task's result for a succeeded task; a failed one becomes the ASL error the worker named. */
function settle(outcome: Exclude<ActivityOutcome, { kind: "timedOut" }>, record: RecordTaskEvent): unknown {
    switch (outcome.kind) {
        case "succeeded": {
            let output: unknown;
            try {
                output = JSON.parse(outcome.output);
            } catch {
                throw runtimeError(`the activity's output is not valid JSON: ${outcome.output.slice(0, 200)}`);
            }
            record("ActivitySucceeded", {
                activitySucceededEventDetails: { output: outcome.output, outputDetails: DATA },
            });
            return output;
        }
        case "failed":
            record("ActivityFailed", {
                activityFailedEventDetails: {
                    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
                    ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
                },
            });
            // No error name from the worker: the task failed without one (States.ALL and States.TaskFailed match it).
            throw aslError(outcome.error || "States.TaskFailed", outcome.cause);
        case "cancelled":
        default:
            // Only the engine cancels tasks, and then the execution is over; anything else is a broken store.
            throw runtimeError(`the activity task was cancelled: ${(outcome as any).reason ?? "unknown reason"}`);
    }
}
