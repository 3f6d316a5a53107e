// The worker's side of an activity's queue: GetActivityTask takes the oldest queued task or waits
// for one as a poller, and queued tasks go to waiting pollers oldest first on both sides
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetActivityTask.html).
import type { ActivityRecord, GetActivityTaskResult, Poller, TaskRecord } from "./activity-records";

/** Starts a task for a worker (ActivityStarted) and answers what GetActivityTask returns. */
export type StartTask = (task: TaskRecord, workerName: string | undefined) => GetActivityTaskResult;

/** Hands queued tasks to waiting polls, oldest first on both sides; skips polls whose client left. */
export function dispatch(activity: ActivityRecord): void {
    while (activity.queue.length > 0 && activity.pollers.length > 0) {
        const poller = activity.pollers.shift()!;
        if (poller.signal?.aborted) continue;
        poller.deliver(activity.queue.shift()!);
    }
}

/**
 * Waits as a poller of `activity` for up to `maxPollSeconds`, answering the task delivered to it
 * or `{}`. When `signal` aborts (the HTTP client went away) the poll leaves the queue of pollers,
 * so a task arriving later waits for the next poller instead of being handed to nobody.
 */
export function waitForTask(
    activity: ActivityRecord,
    workerName: string | undefined,
    maxPollSeconds: number,
    start: StartTask,
    signal?: AbortSignal,
): Promise<GetActivityTaskResult> {
    return new Promise<GetActivityTaskResult>(resolve => {
        const leave = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            const i = activity.pollers.indexOf(poller);
            if (i >= 0) activity.pollers.splice(i, 1);
        };
        const onAbort = () => {
            leave();
            resolve({});
        };
        const poller: Poller = {
            workerName,
            signal,
            deliver: task => {
                leave();
                resolve(start(task, workerName));
            },
            cancel: onAbort,
        };
        const timer = setTimeout(onAbort, maxPollSeconds * 1000);
        signal?.addEventListener("abort", onAbort, { once: true });
        activity.pollers.push(poller);
    });
}

/** GetActivityTask requests waiting on `activity` right now. */
export function waitingPollers(activity: ActivityRecord | undefined): number {
    return activity?.pollers.filter(p => !p.signal?.aborted).length ?? 0;
}
