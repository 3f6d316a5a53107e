// Sending a task's result to Step Functions (SendTaskSuccess / SendTaskFailure): retried, and once
// a stop is requested, bounded so the container still exits in time.
import { errorMessage, errorName } from "./errors";
import type { Logger } from "./log";
import type { TaskFailure } from "./report";
import { BackoffPolicy, REPORT_BACKOFF, retryAwsCall, RetryOutcome } from "./retry";
import type { ActivityApi } from "./sfn-api";
import type { StopRequest } from "./stop-request";

/** sent; taskGone: Step Functions closed the task; refused: a non-retryable error; failed: retries ran out. */
export type ReportResult = "sent" | "taskGone" | "refused" | "failed";

export interface Reporter {
    sendSuccess(taskLog: Logger, token: string, outputJson: string): Promise<ReportResult>;
    sendFailure(taskLog: Logger, token: string, f: TaskFailure): Promise<ReportResult>;
}

export interface ReporterSettings {
    api: ActivityApi;
    stop: StopRequest;
    stopReportMs: number;
    reportTimeoutMs: number;
    /** Default REPORT_BACKOFF. */
    reportBackoff: BackoffPolicy | undefined;
    sleep: (ms: number) => Promise<void>;
    random: () => number;
    now: () => number;
}

type Operation = "SendTaskSuccess" | "SendTaskFailure";

export function createReporter(settings: ReporterSettings): Reporter {
    const { api, stop, now } = settings;
    /**
     * A report's deadline: none (the retry policy bounds it) until a stop is requested; then
     * stopReportMs from the stop, or from the report's start when the report began after the stop
     * (a task brought by the poll that was allowed to finish).
     */
    const reportDeadline = (reportStartedAt: number) => () =>
        stop.requestedAt !== undefined
            ? Math.max(stop.requestedAt, reportStartedAt) + settings.stopReportMs
            : Number.POSITIVE_INFINITY;

    async function report(
        taskLog: Logger,
        operation: Operation,
        call: (timeoutMs: number) => Promise<void>,
    ): Promise<ReportResult> {
        const deadline = reportDeadline(now());
        // Each attempt ends by the deadline too, so a hanging request cannot outlast the stop.
        const attemptTimeout = () => Math.max(1000, Math.min(settings.reportTimeoutMs, deadline() - now()));
        const outcome = await retryAwsCall(() => call(attemptTimeout()), {
            policy: settings.reportBackoff ?? REPORT_BACKOFF,
            sleep: ms => settings.sleep(ms),
            random: settings.random,
            now,
            deadline,
            onRetry: (err, retry, delayMs) =>
                taskLog.warn("report.retry", {
                    operation,
                    retry,
                    delayMs,
                    error: errorName(err),
                    message: errorMessage(err),
                }),
        });
        if (outcome.ok) return "sent";
        return logUndelivered(taskLog, operation, outcome);
    }

    return {
        sendSuccess: (taskLog, token, outputJson) =>
            report(taskLog, "SendTaskSuccess", timeoutMs =>
                api.sendTaskSuccess({ taskToken: token, output: outputJson }, { timeoutMs }),
            ),
        sendFailure: async (taskLog, token, f) =>
            report(taskLog, "SendTaskFailure", timeoutMs =>
                api.sendTaskFailure({ taskToken: token, error: f.error, cause: f.cause }, { timeoutMs }),
            ),
    };
}

/** Logs why a report was not delivered; returns which way it failed. */
function logUndelivered(
    taskLog: Logger,
    operation: Operation,
    outcome: Extract<RetryOutcome<void>, { ok: false }>,
): Exclude<ReportResult, "sent"> {
    if (outcome.kind === "taskGone") {
        taskLog.warn("task.closedByService", {
            operation,
            error: errorName(outcome.error),
            message: errorMessage(outcome.error),
            note:
                outcome.attempts > 1
                    ? "an earlier attempt may have been delivered before its answer was lost"
                    : undefined,
        });
        return "taskGone";
    }
    taskLog.error("report.failed", {
        operation,
        attempts: outcome.attempts,
        error: errorName(outcome.error),
        message: errorMessage(outcome.error),
        retryable: outcome.kind === "exhausted",
    });
    return outcome.kind === "exhausted" ? "failed" : "refused";
}
