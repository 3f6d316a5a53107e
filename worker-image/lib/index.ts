// The activity worker library, `fargate-activity-step/worker`: `runActivityWorker({ handler })`
// polls one Step Functions activity, runs `handler` for each task and reports the result; alone it
// is a container's main program (see worker-mode.ts). No Pulumi in here. What is exported is a promise to consumers (api/ holds the report):
// the worker, the types a job and its options are written with, named errors and the logger.
export { runActivityWorker } from "./worker";
export type {
    ActivityHandler,
    ActivityWorkerOptions,
    HandlerContext,
    WorkerRunResult,
    WorkerStopReason,
} from "./types";
export { namedError, WorkerErrorNames } from "./errors";
export { createLogger } from "./log";
export type { Logger, LogFields, LoggerOptions } from "./log";
export type { LogLevelName } from "./config";
