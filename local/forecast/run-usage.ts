// What one execution used, as plain data: the ECS tasks started for it, its state transitions, its
// Lambda invocations, its log bytes and its DynamoDB requests. The composition root fills it from
// the local run; cost.ts prices it. Nothing here knows the emulators.

export type FargateArchitecture = "X86_64" | "ARM64";
export type LambdaArchitecture = "x86_64" | "arm64";

export interface TaskUsage {
    taskArn: string;
    vcpu: number;
    memoryGb: number;
    architecture: FargateArchitecture;
    spot: boolean;
    publicIp: boolean;
    /** Seconds from the start of the image pull to the task's stop (before rounding and the minimum). */
    seconds: number;
    /** Where `seconds` comes from, shown beside the item (the timing model, or the local run plus model medians). */
    secondsSource: string;
}

export interface LambdaUsage {
    functionName: string;
    memoryGb: number;
    architecture: LambdaArchitecture;
    /** Each invocation's duration in milliseconds. */
    durationsMs: number[];
}

export interface TransitionCount {
    /** States entered, as the execution history shows them. */
    statesEntered: number;
    /** Retries (each counts as a transition of its own). */
    retries: number;
    /** The history has a Parallel or Map, whose counting AWS does not spell out. */
    hasParallelOrMap: boolean;
}

export interface RunUsage {
    transitions: TransitionCount;
    tasks: TaskUsage[];
    lambdas: LambdaUsage[];
    /** Bytes the deployed stack would send to CloudWatch Logs (containers, functions, the state machine). */
    logBytes: number;
    dynamoDb: { writeUnits: number; readUnits: number };
    /** Set when some figure could not be known from the run; shown under the cost. */
    notes?: string[];
}

/** The minimal shape of a history event that transitions are counted from. */
export interface HistoryEventLike {
    type?: string;
}

/**
 * AWS counts a transition "each time a step of your workflow is executed", and each retry as an
 * additional one (https://aws.amazon.com/step-functions/pricing/). Counted here: every
 * `…StateEntered`, plus every retry: a Parallel started again, or a Task scheduled again before it
 * exits.
 */
export function countTransitions(events: HistoryEventLike[]): TransitionCount {
    let statesEntered = 0;
    let parallelStarts = 0;
    let parallelEntries = 0;
    let taskRetries = 0;
    let scheduledInTask = 0;
    let hasParallelOrMap = false;
    for (const { type = "" } of events) {
        if (type.endsWith("StateEntered")) statesEntered++;
        if (type === "ParallelStateEntered") parallelEntries++;
        if (type === "ParallelStateStarted") parallelStarts++;
        if (type.startsWith("Parallel") || type.startsWith("Map")) hasParallelOrMap = true;
        if (type === "TaskStateEntered") scheduledInTask = 0;
        if (type === "LambdaFunctionScheduled" || type === "ActivityScheduled" || type === "TaskScheduled") {
            if (scheduledInTask > 0) taskRetries++;
            scheduledInTask++;
        }
    }
    return { statesEntered, retries: taskRetries + Math.max(0, parallelStarts - parallelEntries), hasParallelOrMap };
}
