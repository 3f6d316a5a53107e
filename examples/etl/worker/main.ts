// The example's own worker: one job for all three steps, told apart by its input (a real project
// would have one image per step). Called with its handler alone, the worker is the container's main
// program: ACTIVITY_ARN, HEARTBEAT_SECONDS and the rest come from the environment, SIGTERM is
// handled, and the process ends with the worker's exit code.
import { setTimeout as wait } from "timers/promises";
import { runActivityWorker } from "fargate-activity-step/worker";

runActivityWorker({
    handler: async (input: { file?: string; rows?: number[]; waitMs?: number }, { log, signal }) => {
        log.info("job.input", { keys: Object.keys(input) });
        // A long job, to try heartbeats and stops with: it ends early when the worker is stopped.
        if (input.waitMs) await wait(input.waitMs, undefined, { signal });
        if (input.file) return { loaded: input.file };
        if (input.rows) return { files: input.rows.map((r: number) => `part-${r}.csv`) };
        return { rows: [1, 2, 3] };
    },
});
