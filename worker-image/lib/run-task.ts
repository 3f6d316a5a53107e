// One task taken from a poll, from its arrival to its logged end: marked as taken, its job run
// (unless the worker is stopping or the input is unusable) and its outcome reported exactly once.
import { errorMessage, WorkerErrorNames } from "./errors";
import { parseTaskInput } from "./input";
import { Logger, tokenHash } from "./log";
import { markTaskTaken } from "./pending-marks";
import { errorToFailure, failure, serializeOutput } from "./report";
import { JobOutcome, runJob } from "./run-job";
import type { ReportResult } from "./send-report";
import type { WorkerRun } from "./worker-run";

/** How a task ended: what was reported, and the fields of its `task.finished` line. */
interface TaskEnd {
    reported: ReportResult;
    fields: Record<string, unknown>;
}

export async function runTask(run: WorkerRun, token: string, rawInput: string | undefined): Promise<void> {
    const { settings, reporter, workerName } = run;
    const { now } = settings;
    const taskStarted = now();
    const hash = tokenHash(token);
    const parsed = parseTaskInput(rawInput);
    const taskLog = settings.log.child({ tokenHash: hash, executionArn: parsed.execution.executionArn });
    taskLog.info("task.received", { workerName, triggeredTaskArn: parsed.execution.taskArn });
    // Tell the healer this container took a task, without holding up the job.
    markTaskTaken(
        {
            marker: run.marker,
            ecsTaskArn: run.identity.ecsTaskArn,
            pending: run.pendingMarks,
            sleep: settings.sleep,
            random: settings.random,
            now,
        },
        parsed.execution.executionArn,
        taskLog,
    );
    const finish = ({ reported, fields }: TaskEnd) => {
        if (reported === "failed" || reported === "refused") run.unreported++;
        taskLog.info("task.finished", { ...fields, reported, durationMs: now() - taskStarted });
    };

    if (run.stop.requestedAt !== undefined) {
        // The open poll was allowed to finish after a stop was requested, and it brought a task:
        // hand it back as interrupted rather than start work the container cannot finish.
        run.interrupted = true;
        const reported = await reporter.sendFailure(
            taskLog,
            token,
            failure(
                WorkerErrorNames.Interrupted,
                `The worker ${workerName} was stopping when this task arrived; the job was not started.`,
            ),
        );
        return finish({ reported, fields: { outcome: "interrupted", error: WorkerErrorNames.Interrupted } });
    }
    if (!parsed.ok) {
        const reported = await reporter.sendFailure(taskLog, token, parsed.failure);
        return finish({ reported, fields: { outcome: "failed", error: parsed.failure.error } });
    }

    const outcome = await runJob({
        handler: run.options.handler,
        input: parsed.input,
        execution: parsed.execution,
        token,
        tokenHash: hash,
        workerName,
        taskLog,
        api: run.api,
        heartbeatMs: settings.heartbeatMs,
        shutdown: settings.shutdown,
    });
    return finish(await reportJobOutcome(run, { token, taskLog, taskStarted }, outcome));
}

/** Reports what the job came to; nothing is sent for a task Step Functions already closed. */
async function reportJobOutcome(
    run: WorkerRun,
    task: { token: string; taskLog: Logger; taskStarted: number },
    outcome: JobOutcome,
): Promise<TaskEnd> {
    const { reporter } = run;
    const { token, taskLog } = task;
    if (outcome.kind === "closedByService") return { reported: "taskGone", fields: { outcome: "closedByService" } };
    if (outcome.kind === "interrupted") {
        run.interrupted = true;
        const reported = await reporter.sendFailure(
            taskLog,
            token,
            failure(
                WorkerErrorNames.Interrupted,
                `The worker ${run.workerName} received ${outcome.interruptedBy ?? "a stop request"} after ${run.settings.now() - task.taskStarted} ms of the job; the job was aborted.`,
            ),
        );
        return { reported, fields: { outcome: "interrupted", error: WorkerErrorNames.Interrupted } };
    }
    if (outcome.kind === "failed") {
        const f = errorToFailure(outcome.error);
        taskLog.warn("task.jobFailed", { error: f.error, message: errorMessage(outcome.error) });
        const reported = await reporter.sendFailure(taskLog, token, f);
        return { reported, fields: { outcome: "failed", error: f.error } };
    }
    const output = serializeOutput(outcome.value);
    if (!output.ok) {
        const reported = await reporter.sendFailure(taskLog, token, output.failure);
        return { reported, fields: { outcome: "failed", error: output.failure.error } };
    }
    const reported = await reporter.sendSuccess(taskLog, token, output.json);
    if (reported === "refused") {
        // Refused for good (InvalidOutput, a limit measured differently...): the task is still
        // open, so fail it rather than leave it to time out. (After transient errors that outlast
        // the retries, a failure would misreport a good result: the task is left to its timeout.)
        const failed = await reporter.sendFailure(
            taskLog,
            token,
            failure(
                WorkerErrorNames.InvalidOutput,
                `SendTaskSuccess was refused for the job's output (${output.bytes} bytes).`,
            ),
        );
        return { reported: failed, fields: { outcome: "failed", error: WorkerErrorNames.InvalidOutput } };
    }
    return { reported, fields: { outcome: "succeeded", outputBytes: output.bytes } };
}
