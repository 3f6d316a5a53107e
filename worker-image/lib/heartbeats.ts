// A running job's heartbeats (SendTaskHeartbeat): the job's own `context.heartbeat()`, and automatic
// ones every `heartbeatMs`. A heartbeat answered by "task closed" aborts the job.
import { errorMessage, errorName, namedError, WorkerErrorNames } from "./errors";
import type { Logger } from "./log";
import { classifyAwsError } from "./retry";
import type { ActivityApi } from "./sfn-api";

export interface HeartbeatSettings {
    api: ActivityApi;
    token: string;
    /** Between automatic heartbeats; undefined: none. */
    heartbeatMs: number | undefined;
    taskLog: Logger;
    /** The job's abort: aborted here when Step Functions closed the task. */
    abort: AbortController;
}

export interface TaskHeartbeats {
    /** Sends a heartbeat now (the job's `context.heartbeat`). */
    heartbeat(): Promise<void>;
    /** Step Functions answered a heartbeat by closing the task. */
    readonly closedByService: boolean;
    /** Clears the waiting timer. A heartbeat still in flight does not re-arm it once `abort` is aborted. */
    stopTimer(): void;
}

export function startHeartbeats(settings: HeartbeatSettings): TaskHeartbeats {
    const { api, token, heartbeatMs, taskLog, abort } = settings;
    let closedByService = false;
    const heartbeat = async (): Promise<void> => {
        if (closedByService) throw namedError(WorkerErrorNames.TaskClosed, "Step Functions has closed this task");
        try {
            await api.sendTaskHeartbeat(
                { taskToken: token },
                { timeoutMs: Math.min(10_000, Math.max(1000, heartbeatMs ?? 10_000)) },
            );
            taskLog.debug("task.heartbeat");
        } catch (err) {
            if (classifyAwsError(err) !== "taskGone") throw err;
            if (!closedByService) {
                closedByService = true;
                taskLog.warn("task.closedByService", {
                    operation: "SendTaskHeartbeat",
                    error: errorName(err),
                    message: errorMessage(err),
                });
                abort.abort(
                    namedError(
                        WorkerErrorNames.TaskClosed,
                        `Step Functions closed the task (${errorName(err)}): the job is aborted and nothing more is sent for it`,
                        err,
                    ),
                );
            }
            throw namedError(
                WorkerErrorNames.TaskClosed,
                `Step Functions has closed this task (${errorName(err)})`,
                err,
            );
        }
    };

    let heartbeatTimer: NodeJS.Timeout | undefined;
    const beat = () => {
        heartbeatTimer = undefined;
        heartbeat().then(
            () => !abort.signal.aborted && (heartbeatTimer = setTimeout(beat, heartbeatMs)),
            err => {
                if (abort.signal.aborted) return;
                taskLog.warn("task.heartbeatFailed", { error: errorName(err), message: errorMessage(err) });
                heartbeatTimer = setTimeout(beat, heartbeatMs);
            },
        );
    };
    if (heartbeatMs !== undefined) heartbeatTimer = setTimeout(beat, heartbeatMs);

    return {
        heartbeat,
        get closedByService() {
            return closedByService;
        },
        stopTimer: () => {
            if (heartbeatTimer) clearTimeout(heartbeatTimer);
        },
    };
}
