// The task-taken tag (see task-marker.ts), put without holding up the job; the tags still being put
// are waited for briefly at exit (they only matter while a task is unreported: never for long).
import { errorMessage, errorName } from "./errors";
import type { Logger } from "./log";
import { retryAwsCall } from "./retry";
import type { TaskMarker } from "./task-marker";

/** Tagging the ECS task: a few quick attempts; the job does not wait for them. */
const MARK_BACKOFF = { baseDelayMs: 200, maxDelayMs: 1000, maxAttempts: 3 };
const MARK_TIMEOUT_MS = 5000;
/** How long the exit waits for tags still being put: shorter once a stop was requested. */
const EXIT_WAIT_MS = 1000;
const EXIT_WAIT_WHEN_STOPPING_MS = 200;

/** Tags still being put. */
export type PendingMarks = Set<Promise<void>>;

export interface MarkTaken {
    marker: TaskMarker | undefined;
    /** For the log line once the tag is on. */
    ecsTaskArn: string | undefined;
    pending: PendingMarks;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
    now: () => number;
}

/** Starts tagging (its first request goes out before this returns) and adds it to the pending marks. */
export function markTaskTaken(mark: MarkTaken, executionArn: string | undefined, taskLog: Logger): void {
    const { marker, sleep } = mark;
    const marking = marker
        ? retryAwsCall(() => marker.markTaken(executionArn, { timeoutMs: MARK_TIMEOUT_MS }), {
              policy: MARK_BACKOFF,
              sleep: ms => sleep(ms),
              random: mark.random,
              now: mark.now,
          }).then(outcome => {
              if (outcome.ok) taskLog.debug("task.marked", { ecsTaskArn: mark.ecsTaskArn });
              else
                  taskLog.warn("task.markFailed", {
                      error: errorName(outcome.error),
                      message: errorMessage(outcome.error),
                      hint: "the task role needs ecs:TagResource on its own task",
                  });
          })
        : Promise.resolve();
    mark.pending.add(marking);
    void marking.then(() => mark.pending.delete(marking));
}

/** Resolves when every pending tag is settled, or after a short wait, whichever comes first. */
export async function waitForPendingMarks(
    pending: PendingMarks,
    stopping: boolean,
    sleep: (ms: number, signal?: AbortSignal) => Promise<void>,
): Promise<void> {
    const wait = new AbortController();
    await Promise.race([
        Promise.allSettled([...pending]),
        sleep(stopping ? EXIT_WAIT_WHEN_STOPPING_MS : EXIT_WAIT_MS, wait.signal),
    ]);
    wait.abort();
}
