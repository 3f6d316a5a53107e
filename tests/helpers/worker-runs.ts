// A bundled worker script run for real: it must load, poll the local Step Functions endpoint, run
// one task to success and exit by itself.
import { ActivityOutcome } from "../../local/sfn/activity-types";
import { ExitInfo, killWorkers, spawnWorker, startLocalSfn, workerEnv } from "../worker/harness";

export interface OneTaskRun {
    outcome: ActivityOutcome;
    exit: ExitInfo;
    stderr: string;
}

export async function runOneTask(script: string, input: Record<string, unknown>): Promise<OneTaskRun> {
    const sfn = await startLocalSfn({ maxPollSeconds: 1 });
    try {
        const worker = spawnWorker(workerEnv(sfn), script);
        const task = sfn.store.schedule({ activityArn: sfn.activityArn, input: JSON.stringify(input) });
        const outcome = await task.outcome;
        return { outcome, exit: await worker.waitForExit(10_000), stderr: worker.stderr() };
    } finally {
        await killWorkers();
        await sfn.close();
    }
}
