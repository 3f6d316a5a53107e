// The event types of the dev stack's execution (the seed's trigger-ecs → execute-ecs block inside a
// Parallel, then Succeed), as the local engine records them; what several tests expect or replay.

/** A run whose first trigger attempt succeeds. */
export const DEV_STACK_SUCCESS_HISTORY = [
    "ExecutionStarted",
    "ParallelStateEntered",
    "ParallelStateStarted",
    "TaskStateEntered",
    "LambdaFunctionScheduled",
    "LambdaFunctionStarted",
    "LambdaFunctionSucceeded",
    "TaskStateExited",
    "TaskStateEntered",
    "ActivityScheduled",
    "ActivityStarted",
    "ActivitySucceeded",
    "TaskStateExited",
    "ParallelStateSucceeded",
    "ParallelStateExited",
    "SucceedStateEntered",
    "SucceedStateExited",
    "ExecutionSucceeded",
];

/** A run whose first trigger attempt fails and whose block's Retry starts the Parallel's branch again. */
export const DEV_STACK_RETRIED_HISTORY = [
    ...DEV_STACK_SUCCESS_HISTORY.slice(0, 4),
    "LambdaFunctionScheduled",
    "LambdaFunctionStarted",
    "LambdaFunctionFailed",
    "ParallelStateStarted",
    "TaskStateEntered",
    ...DEV_STACK_SUCCESS_HISTORY.slice(4),
];
