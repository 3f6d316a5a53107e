// The example's own worker: one job for all three steps, told apart by MODE (a real project would
// have one image per step, or one job that reads its input).
import { runActivityWorker } from "fargate-activity-step/worker";

const activityArn = process.env.ACTIVITY_ARN;
if (!activityArn) {
    console.error("ACTIVITY_ARN is not set");
    process.exit(2);
}

runActivityWorker({
    activityArn,
    handler: async (input: { file?: string; rows?: number[] }, { log }) => {
        log.info("job.input", { keys: Object.keys(input) });
        if (input.file) return { loaded: input.file };
        if (input.rows) return { files: input.rows.map((r: number) => `part-${r}.csv`) };
        return { rows: [1, 2, 3] };
    },
}).then(result => process.exit(result.exitCode));
