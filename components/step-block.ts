// The ASL of one Fargate activity step: `trigger-<name>` (Lambda: RunTask) then `execute-<name>`
// (the activity the container polls), wrapped into one Parallel so that a Retry re-runs both and
// a fresh container serves the retried task. Pure: ARNs come in as values or Pulumi inputs.
import { AslValue, CatchProps, Chain, IChainable, NextableState, Parallel, Pass, RetryProps, Task } from "./asl";
import { heartbeatReachesTimeout } from "./asl/private/heartbeat";

/**
 * Errors after which a fresh container is worth a try. The Lambda.* ones are those AWS says to
 * retry ("Handle transient Lambda service exceptions",
 * https://docs.aws.amazon.com/step-functions/latest/dg/bp-lambda-serviceexception.html), plus
 * Lambda.Unknown: the trigger names every error of its own, so Lambda.Unknown means its runtime
 * timed out or died, and a task it may have started takes a pending task or exits when idle.
 */
export const RETRYABLE_STEP_ERRORS = [
    "Worker.Interrupted",
    "Worker.Lost",
    "States.HeartbeatTimeout",
    "Trigger.NoCapacity",
    "Trigger.TaskStopped",
    "Trigger.Throttled",
    "Trigger.EcsUnavailable",
    "Lambda.ServiceException",
    "Lambda.AWSLambdaException",
    "Lambda.SdkClientException",
    "Lambda.TooManyRequestsException",
    "Lambda.ClientExecutionTimeoutException",
    "Lambda.Unknown",
] as const;

export interface StepRetryArgs {
    /** Default RETRYABLE_STEP_ERRORS. */
    errors?: string[];
    /** Default 10. */
    intervalSeconds?: number;
    /** Retries after the first attempt. Default 3. */
    maxAttempts?: number;
    /** Default 2. */
    backoffRate?: number;
    /** Default 300. */
    maxDelaySeconds?: number;
}

export const STEP_DEFAULTS = {
    timeoutSeconds: 3600,
    heartbeatSeconds: 60,
    triggerTimeoutSeconds: 60,
    retry: { intervalSeconds: 10, maxAttempts: 3, backoffRate: 2, maxDelaySeconds: 300 },
} as const;

export interface StepStateOptions {
    /** Names the states (`trigger-<n>`, `execute-<n>`, `run-<n>`). Default: the step's name. */
    stateName?: string;
    /** Shapes the worker's input from the block's input, as a Task's Parameters would. */
    parameters?: Record<string, AslValue>;
    /** Where the worker's output goes in the block's input: `$` (default, replaces it), a path, or null (discard). */
    resultPath?: string | null;
    /** The block's Retry; false for none (then add your own). */
    retry?: StepRetryArgs | false;
}

export interface StepBlockProps extends StepStateOptions {
    name: string;
    triggerFunctionArn: AslValue;
    activityArn: AslValue;
    /** execute state: seconds from the worker taking the task to its result. */
    timeoutSeconds: number;
    /** execute state: most seconds between heartbeats; below timeoutSeconds. */
    heartbeatSeconds: number;
    triggerTimeoutSeconds?: number;
}

export function stepRetry(retry: StepRetryArgs = {}): RetryProps {
    const d = STEP_DEFAULTS.retry;
    return {
        errors: retry.errors ?? [...RETRYABLE_STEP_ERRORS],
        intervalSeconds: retry.intervalSeconds ?? d.intervalSeconds,
        maxAttempts: retry.maxAttempts ?? d.maxAttempts,
        backoffRate: retry.backoffRate ?? d.backoffRate,
        maxDelaySeconds: retry.maxDelaySeconds ?? d.maxDelaySeconds,
        jitterStrategy: "FULL",
    };
}

export function validateStepTimes(timeoutSeconds: number, heartbeatSeconds: number): void {
    for (const [what, v] of [
        ["timeoutSeconds", timeoutSeconds],
        ["heartbeatSeconds", heartbeatSeconds],
    ] as const) {
        if (!Number.isInteger(v) || v < 1 || v > 99999999)
            throw new Error(`${what} must be a whole number of seconds from 1 to 99999999; got ${v}`);
    }
    if (heartbeatReachesTimeout(heartbeatSeconds, timeoutSeconds)) {
        throw new Error(
            `heartbeatSeconds (${heartbeatSeconds}) must be below timeoutSeconds (${timeoutSeconds}): a heartbeat clock as long as the task's never fires`,
        );
    }
}

/** One step as a single block in a chain: a Parallel, plus a Pass that unwraps the result when `resultPath` is a path. */
export class StepBlock implements IChainable {
    readonly trigger: Task;
    readonly execute: Task;
    readonly parallel: Parallel;
    private readonly last: NextableState;

    constructor(props: StepBlockProps) {
        validateStepTimes(props.timeoutSeconds, props.heartbeatSeconds);
        const n = props.stateName ?? props.name;
        const resultPath = props.resultPath === undefined ? "$" : props.resultPath;
        if (resultPath !== null && !resultPath.startsWith("$"))
            throw new Error(
                `step "${n}": resultPath must be a JSONPath starting with "$" or null; got ${JSON.stringify(resultPath)}`,
            );
        this.trigger = new Task(`trigger-${n}`, {
            comment: "Starts the Fargate task that will take this step's activity task",
            resource: props.triggerFunctionArn,
            parameters: { "executionArn.$": "$$.Execution.Id", "executionName.$": "$$.Execution.Name" },
            // The worker receives the block's input plus `_execution`; the trigger's result never replaces it.
            resultPath: "$._execution",
            timeoutSeconds: props.triggerTimeoutSeconds ?? STEP_DEFAULTS.triggerTimeoutSeconds,
        });
        this.execute = new Task(`execute-${n}`, {
            comment: "Waits for the container's worker to take and finish this activity task",
            resource: props.activityArn,
            timeoutSeconds: props.timeoutSeconds,
            heartbeatSeconds: props.heartbeatSeconds,
        });
        // The Parallel's ResultPath merges into its own input, which no branch state has touched:
        // this is how a step's ResultPath applies without leaving `_execution` behind.
        this.parallel = Chain.start(this.trigger)
            .next(this.execute)
            .toSingleState(`run-${n}`, {
                comment: "One retryable block: a retry starts a fresh container",
                parameters: props.parameters,
                resultPath: resultPath === "$" ? undefined : resultPath,
                outputPath: resultPath === "$" ? "$[0]" : undefined,
            });
        if (props.retry !== false) this.parallel.addRetry(stepRetry(props.retry));
        this.last = this.parallel;
        if (resultPath !== null && resultPath !== "$") {
            const unwrap = new Pass(`unwrap-${n}`, {
                comment: "Replaces the Parallel's one-element array by the step's output",
                inputPath: `${resultPath}[0]`,
                resultPath,
            });
            this.parallel.next(unwrap);
            this.last = unwrap;
        }
    }

    get startState() {
        return this.parallel;
    }

    get endStates(): NextableState[] {
        return [this.last];
    }

    next(chainable: IChainable): Chain {
        return Chain.start(this).next(chainable);
    }

    addRetry(props: RetryProps): this {
        this.parallel.addRetry(props);
        return this;
    }

    addCatch(handler: IChainable, props?: CatchProps): this {
        this.parallel.addCatch(handler, props);
        return this;
    }
}
