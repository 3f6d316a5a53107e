// The activity worker library: `runActivityWorker({ activityArn, handler })` polls one Step
// Functions activity, runs `handler` for each task and reports the result. No Pulumi in here.
export { runActivityWorker } from "./worker";
export type {
    ActivityHandler,
    ActivityWorkerOptions,
    HandlerContext,
    WorkerRunResult,
    WorkerStopReason,
} from "./types";
export { namedError, WorkerErrorNames } from "./errors";
export { parseWorkerConfig, readInteger, readNumber, CONFIG_DEFAULTS } from "./config";
export type { ConfigProblem, ConfigResult, Env, WorkerEnvConfig, LogLevelName } from "./config";
export { createLogger, formatLogLine, tokenHash } from "./log";
export type { Logger, LogFields } from "./log";
export { EXECUTION_KEY, parseTaskInput } from "./input";
export { errorToFailure, serializeOutput, REPORT_LIMITS } from "./report";
export { classifyAwsError, backoffDelayMs, retryAwsCall, REPORT_BACKOFF, POLL_BACKOFF } from "./retry";
export type { BackoffPolicy, ErrorKind } from "./retry";
export { activityNameProblem, parseActivityArn } from "./activity-arn";
export { sleep } from "./sleep";
export type { ActivityApi, ActivityTask, CallOptions } from "./sfn-api";
export { createSfnClient, sfnActivityApi, POLL_REQUEST_TIMEOUT_MS } from "./sfn-api";
export type { SfnClientOptions } from "./sfn-api";
export { ecsTaskMarker, TASK_TAKEN_TAG_KEY } from "./task-marker";
export type { TaskMarker } from "./task-marker";
