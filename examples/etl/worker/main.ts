// The example's own worker: one job for all three steps, told apart by its input (a real project
// would have one image per step). Called with its handler alone, the worker is the container's main
// program: ACTIVITY_ARN, HEARTBEAT_SECONDS and the rest come from the environment, SIGTERM is
// handled, and the process ends with the worker's exit code.
import { runActivityWorker } from "fargate-activity-step/worker";

runActivityWorker({
    handler: async (input: { file?: string; rows?: number[] }, { log }) => {
        log.info("job.input", { keys: Object.keys(input) });
        if (input.file) return { loaded: input.file };
        if (input.rows) return { files: input.rows.map((r: number) => `part-${r}.csv`) };
        return { rows: [1, 2, 3] };
    },
});
