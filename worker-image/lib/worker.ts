// The activity worker: one GetActivityTask at a time, each task run and reported exactly once, no
// poll ever abandoned (a poll left open by an exiting process can swallow another execution's task).
import * as os from "os";
import { errorMessage, errorName, namedError, WorkerErrorNames } from "./errors";
import { parseActivityArn } from "./activity-arn";
import { heartbeatIntervalMs } from "./config";
import { parseTaskInput } from "./input";
import { createLogger, Logger, tokenHash } from "./log";
import { errorToFailure, failure, serializeOutput, TaskFailure } from "./report";
import { classifyAwsError, POLL_BACKOFF, REPORT_BACKOFF, backoffDelayMs, retryAwsCall } from "./retry";
import { sleep as defaultSleep } from "./sleep";
import type { ActivityApi } from "./sfn-api";
import type { ActivityWorkerOptions, HandlerContext, WorkerRunResult, WorkerStopReason } from "./types";
import { resolveWorkerIdentity } from "./worker-name";
import { Credentials, ecsTaskMarker, regionOfTaskArn, TaskMarker } from "./task-marker";

const DEFAULTS = { maxTasks: 1, idleTimeoutSeconds: 300, stopReportMs: 4000, reportTimeoutMs: 10_000 };
/** Tagging the ECS task: a few quick attempts; the job does not wait for them. */
const MARK_BACKOFF = { baseDelayMs: 200, maxDelayMs: 1000, maxAttempts: 3 };
const MARK_TIMEOUT_MS = 5000;
const MARKER_PREPARE_DELAY_MS = 100;

/** sent; taskGone: Step Functions closed the task; refused: a non-retryable error; failed: retries ran out. */
type ReportResult = "sent" | "taskGone" | "refused" | "failed";

function sdkApi(region: string): { api: ActivityApi; credentials: () => Promise<Credentials> } {
    // Loaded here so a caller that passes its own `api` never initialises the SDK.
    const { createSfnClient, sfnActivityApi } = require("./sfn-api") as typeof import("./sfn-api");
    const client = createSfnClient({ region });
    // The task marker signs with the same credentials (one fetch of the task role).
    return {
        api: sfnActivityApi(client),
        credentials: () => (client.config.credentials as () => Promise<Credentials>)(),
    };
}

function exitCodeFor(reason: WorkerStopReason, unreported: number): WorkerRunResult["exitCode"] {
    if (unreported > 0 || reason === "pollFailed") return 1;
    if (reason === "pollRejected") return 2;
    if (reason === "interrupted") return 3;
    return 0;
}

export async function runActivityWorker(options: ActivityWorkerOptions): Promise<WorkerRunResult> {
    const arn = parseActivityArn(options.activityArn);
    if (!arn.ok) throw namedError("Worker.InvalidConfig", `activityArn ${arn.problem}`);
    const maxTasks = options.maxTasks ?? DEFAULTS.maxTasks;
    const idleTimeoutMs = (options.idleTimeoutSeconds ?? DEFAULTS.idleTimeoutSeconds) * 1000;
    const heartbeatMs =
        options.heartbeatSeconds !== undefined ? heartbeatIntervalMs(options.heartbeatSeconds) : undefined;
    const stopReportMs = options.stopReportMs ?? DEFAULTS.stopReportMs;
    const reportTimeoutMs = options.reportTimeoutMs ?? DEFAULTS.reportTimeoutMs;
    const sleep = options.sleep ?? defaultSleep;
    const random = options.random ?? Math.random;
    const now = options.now ?? Date.now;
    const shutdown = options.shutdownSignal;
    const log = (options.logger ?? createLogger()).child({ activity: options.activityArn });
    if (!(Number.isInteger(maxTasks) && maxTasks >= 1))
        throw namedError("Worker.InvalidConfig", `maxTasks must be a whole number ≥ 1, got ${maxTasks}`);

    const identity = await resolveWorkerIdentity({
        env: options.env ?? process.env,
        hostname: os.hostname(),
        pid: process.pid,
        workerName: options.workerName,
    });
    const workerName = identity.workerName;
    const sdk = options.api ? undefined : sdkApi(options.region ?? arn.parts.region);
    const api = options.api ?? sdk!.api;
    // By default only a worker with its own SDK client marks its task: it signs with that client's credentials.
    const marker: TaskMarker | undefined =
        options.taskMarker === false
            ? undefined
            : (options.taskMarker ??
              (identity.ecsTaskArn && sdk
                  ? ecsTaskMarker(
                        identity.ecsTaskArn,
                        regionOfTaskArn(identity.ecsTaskArn) ?? options.region ?? arn.parts.region,
                        sdk.credentials,
                    )
                  : undefined));
    const startedAt = now();
    let stopRequestedAt: number | undefined;
    const onStop = () => {
        stopRequestedAt = now();
        log.info("worker.stopping", { signal: typeof shutdown?.reason === "string" ? shutdown.reason : undefined });
    };
    if (shutdown?.aborted) onStop();
    else shutdown?.addEventListener("abort", onStop, { once: true });

    let tasks = 0;
    let unreported = 0;
    /** Tags still being put (they only matter while a task is unreported: never waited for long). */
    const pendingMarks = new Set<Promise<void>>();
    let interrupted = false;
    log.info("worker.started", {
        workerName,
        workerNameSource: identity.source,
        ecsTaskArn: identity.ecsTaskArn,
        maxTasks,
        idleTimeoutSeconds: idleTimeoutMs / 1000,
        heartbeatSeconds: options.heartbeatSeconds,
        node: process.version,
    });

    /**
     * A report's deadline: none (the retry policy bounds it) until a stop is requested; then
     * stopReportMs from the stop, or from the report's start when the report began after the stop
     * (a task brought by the poll that was allowed to finish).
     */
    const reportDeadline = (reportStartedAt: number) => () =>
        stopRequestedAt !== undefined
            ? Math.max(stopRequestedAt, reportStartedAt) + stopReportMs
            : Number.POSITIVE_INFINITY;

    async function report(
        taskLog: Logger,
        operation: "SendTaskSuccess" | "SendTaskFailure",
        call: (timeoutMs: number) => Promise<void>,
    ): Promise<ReportResult> {
        const deadline = reportDeadline(now());
        // Each attempt ends by the deadline too, so a hanging request cannot outlast the stop.
        const attemptTimeout = () => Math.max(1000, Math.min(reportTimeoutMs, deadline() - now()));
        const outcome = await retryAwsCall(() => call(attemptTimeout()), {
            policy: options.reportBackoff ?? REPORT_BACKOFF,
            sleep: ms => sleep(ms),
            random,
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

    async function reportFailure(taskLog: Logger, token: string, f: TaskFailure): Promise<ReportResult> {
        return report(taskLog, "SendTaskFailure", timeoutMs =>
            api.sendTaskFailure({ taskToken: token, error: f.error, cause: f.cause }, { timeoutMs }),
        );
    }

    async function runTask(token: string, rawInput: string | undefined): Promise<void> {
        const taskStarted = now();
        const hash = tokenHash(token);
        const parsed = parseTaskInput(rawInput);
        const taskLog = log.child({ tokenHash: hash, executionArn: parsed.execution.executionArn });
        taskLog.info("task.received", { workerName, triggeredTaskArn: parsed.execution.taskArn });
        // Tell the healer this container took a task, without holding up the job.
        const marking = marker
            ? retryAwsCall(() => marker.markTaken(parsed.execution.executionArn, { timeoutMs: MARK_TIMEOUT_MS }), {
                  policy: MARK_BACKOFF,
                  sleep: ms => sleep(ms),
                  random,
                  now,
              }).then(outcome => {
                  if (outcome.ok) taskLog.debug("task.marked", { ecsTaskArn: identity.ecsTaskArn });
                  else
                      taskLog.warn("task.markFailed", {
                          error: errorName(outcome.error),
                          message: errorMessage(outcome.error),
                          hint: "the task role needs ecs:TagResource on its own task",
                      });
              })
            : Promise.resolve();
        pendingMarks.add(marking);
        void marking.then(() => pendingMarks.delete(marking));
        const finish = (result: ReportResult, fields: Record<string, unknown>) => {
            if (result === "failed" || result === "refused") unreported++;
            taskLog.info("task.finished", { ...fields, reported: result, durationMs: now() - taskStarted });
        };

        if (stopRequestedAt !== undefined) {
            // The open poll was allowed to finish after a stop was requested, and it brought a task:
            // hand it back as interrupted rather than start work the container cannot finish.
            interrupted = true;
            const result = await reportFailure(
                taskLog,
                token,
                failure(
                    WorkerErrorNames.Interrupted,
                    `The worker ${workerName} was stopping when this task arrived; the job was not started.`,
                ),
            );
            return finish(result, { outcome: "interrupted", error: WorkerErrorNames.Interrupted });
        }
        if (!parsed.ok) {
            const result = await reportFailure(taskLog, token, parsed.failure);
            return finish(result, { outcome: "failed", error: parsed.failure.error });
        }

        const abort = new AbortController();
        let closedByService = false;
        let interruptedBy: string | undefined;
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

        const onStopDuringTask = () => {
            interruptedBy = typeof shutdown?.reason === "string" ? shutdown.reason : "a stop request";
            abort.abort(
                namedError(
                    WorkerErrorNames.Interrupted,
                    `The worker received ${interruptedBy} while the job was running`,
                ),
            );
        };
        shutdown?.addEventListener("abort", onStopDuringTask, { once: true });

        const aborted = new Promise<void>(resolve =>
            abort.signal.addEventListener("abort", () => resolve(), { once: true }),
        );
        const context: HandlerContext = {
            signal: abort.signal,
            heartbeat,
            log: taskLog,
            executionArn: parsed.execution.executionArn,
            triggeredTaskArn: parsed.execution.taskArn,
            tokenHash: hash,
            workerName,
        };
        const settled = Promise.resolve()
            .then(() => options.handler(parsed.input, context))
            .then(
                value => ({ ok: true as const, value }),
                error => ({ ok: false as const, error }),
            );
        const result = await Promise.race([settled, aborted.then(() => undefined)]);
        shutdown?.removeEventListener("abort", onStopDuringTask);
        if (heartbeatTimer) clearTimeout(heartbeatTimer);

        if (closedByService) {
            abort.abort();
            return finish("taskGone", { outcome: "closedByService" });
        }
        // Interrupted: the stop came first, or the job failed once it was aborted (most likely
        // because of it). A job that finished with a value reports it, even if a stop came since.
        if (result === undefined || (!result.ok && abort.signal.aborted)) {
            abort.abort();
            interrupted = true;
            const reported = await reportFailure(
                taskLog,
                token,
                failure(
                    WorkerErrorNames.Interrupted,
                    `The worker ${workerName} received ${interruptedBy ?? "a stop request"} after ${now() - taskStarted} ms of the job; the job was aborted.`,
                ),
            );
            return finish(reported, { outcome: "interrupted", error: WorkerErrorNames.Interrupted });
        }
        abort.abort(); // ends anything the job left listening on its signal, and the heartbeats

        if (!result.ok) {
            const f = errorToFailure(result.error);
            taskLog.warn("task.jobFailed", { error: f.error, message: errorMessage(result.error) });
            const reported = await reportFailure(taskLog, token, f);
            return finish(reported, { outcome: "failed", error: f.error });
        }
        const output = serializeOutput(result.value);
        if (!output.ok) {
            const reported = await reportFailure(taskLog, token, output.failure);
            return finish(reported, { outcome: "failed", error: output.failure.error });
        }
        let reported = await report(taskLog, "SendTaskSuccess", timeoutMs =>
            api.sendTaskSuccess({ taskToken: token, output: output.json }, { timeoutMs }),
        );
        if (reported === "refused") {
            // Refused for good (InvalidOutput, a limit measured differently...): the task is still
            // open, so fail it rather than leave it to time out. (After transient errors that outlast
            // the retries, a failure would misreport a good result: the task is left to its timeout.)
            reported = await reportFailure(
                taskLog,
                token,
                failure(
                    WorkerErrorNames.InvalidOutput,
                    `SendTaskSuccess was refused for the job's output (${output.bytes} bytes).`,
                ),
            );
            return finish(reported, { outcome: "failed", error: WorkerErrorNames.InvalidOutput });
        }
        return finish(reported, { outcome: "succeeded", outputBytes: output.bytes });
    }

    const done = (reason: WorkerStopReason): WorkerRunResult => {
        shutdown?.removeEventListener("abort", onStop);
        const result: WorkerRunResult = { reason, exitCode: exitCodeFor(reason, unreported), tasks, unreported };
        log.info("worker.exit", { ...result, durationMs: now() - startedAt });
        return result;
    };

    // The container is idle while its poll waits: load the ECS client then, so the tag that tells the
    // healer "this container took a task" goes out within milliseconds of a task arriving. Late
    // enough that the first poll is on the wire first (start-up speed is measured to that request).
    const prepareTimer = marker?.prepare
        ? setTimeout(() => {
              try {
                  marker.prepare!();
              } catch {
                  // markTaken will try again and log what went wrong.
              }
          }, MARKER_PREPARE_DELAY_MS)
        : undefined;
    prepareTimer?.unref();
    try {
        let idleSince = now();
        let pollErrors = 0;
        while (tasks < maxTasks) {
            if (stopRequestedAt !== undefined) return done(interrupted ? "interrupted" : "stopped");
            const pollStarted = now();
            let task;
            try {
                log.debug("poll.started");
                task = await api.getActivityTask({ activityArn: options.activityArn, workerName });
                pollErrors = 0;
            } catch (err) {
                const kind = classifyAwsError(err);
                if (kind !== "retry") {
                    log.error("poll.rejected", {
                        error: errorName(err),
                        message: errorMessage(err),
                        hint: "check ACTIVITY_ARN, the region and the task role's states:GetActivityTask permission",
                    });
                    return done("pollRejected");
                }
                pollErrors++;
                if (now() - idleSince >= idleTimeoutMs) {
                    log.error("poll.failed", {
                        error: errorName(err),
                        message: errorMessage(err),
                        attempts: pollErrors,
                        final: true,
                    });
                    return done("pollFailed");
                }
                const delayMs = backoffDelayMs(pollErrors, options.pollBackoff ?? POLL_BACKOFF, random);
                log.warn("poll.failed", {
                    error: errorName(err),
                    message: errorMessage(err),
                    attempts: pollErrors,
                    retryInMs: delayMs,
                });
                await sleep(delayMs, shutdown);
                continue;
            }
            if (!task.taskToken) {
                log.debug("poll.empty", { durationMs: now() - pollStarted });
                if (stopRequestedAt !== undefined) return done("stopped");
                if (now() - idleSince >= idleTimeoutMs) {
                    log.info("worker.idle", { idleMs: now() - idleSince });
                    return done("idle");
                }
                continue;
            }
            tasks++;
            await runTask(task.taskToken, task.input);
            idleSince = now();
        }
        return done(stopRequestedAt !== undefined && interrupted ? "interrupted" : "maxTasks");
    } finally {
        if (prepareTimer) clearTimeout(prepareTimer);
        if (pendingMarks.size > 0) {
            const wait = new AbortController();
            await Promise.race([
                Promise.allSettled([...pendingMarks]),
                sleep(stopRequestedAt !== undefined ? 200 : 1000, wait.signal),
            ]);
            wait.abort();
        }
        api.destroy();
        marker?.destroy();
    }
}
