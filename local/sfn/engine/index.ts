// The local Step Functions execution engine (see ./engine.ts).
export { LocalStepFunctions } from "./engine";
export type * from "./types";
export { EngineError } from "./errors";
export { RETAINED_CLOSED_EXECUTIONS } from "./types";
export type { EngineErrorCode } from "./errors";
export { withoutExecutionData } from "./event-data";
export { TERMINAL_EVENTS } from "./history-limit";
export type { HistoryEvent, HistoryEventType } from "./history";
export {
    AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
    MAX_TIMER_SECONDS,
    classifyResource,
    prepareDefinition,
    resolveFunctionName,
    rewriteForLibrary,
    walkStates,
} from "./definition";
export type { TaskInfo, TaskKind, PreparedDefinition } from "./definition";
export { evaluateReferencePath, parseReferencePath } from "./reference-path";
export {
    MAX_PAYLOAD_BYTES,
    executionArnFor,
    nameProblem,
    parseArn,
    parseExecutionInput,
    requireStatesArn,
    stateMachineArnFor,
    validateName,
} from "../names";
