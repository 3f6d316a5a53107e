// A step's clocks, checked together at program time: the execute state's timeout and heartbeat,
// the trigger's wait for RUNNING, and the trigger Lambda's and state's timeouts around that wait.
import { STEP_DEFAULTS, validateStepTimes } from "./step-block";
import { wholeNumber } from "./rules";

export const DEFAULT_WAIT_FOR_RUNNING_SECONDS = 300;

export interface StepTimingArgs {
    timeoutSeconds?: number;
    heartbeatSeconds?: number;
    waitForRunning?: boolean;
    waitForRunningSeconds?: number;
    triggerTimeoutSeconds?: number;
}

export interface StepTiming {
    timeoutSeconds: number;
    heartbeatSeconds: number;
    /** 0 when the trigger does not wait for RUNNING. */
    waitForRunningSeconds: number;
    triggerLambdaTimeoutSeconds: number;
    /** The trigger state's TimeoutSeconds: a little longer than the Lambda's, so a Lambda timeout is reported as one. */
    triggerTimeoutSeconds: number;
}

export function stepTiming(stepName: string, args: StepTimingArgs): StepTiming {
    const timeoutSeconds = args.timeoutSeconds ?? STEP_DEFAULTS.timeoutSeconds;
    const heartbeatSeconds = args.heartbeatSeconds ?? STEP_DEFAULTS.heartbeatSeconds;
    validateStepTimes(timeoutSeconds, heartbeatSeconds);
    const waitForRunningSeconds =
        args.waitForRunning === false ? 0 : (args.waitForRunningSeconds ?? DEFAULT_WAIT_FOR_RUNNING_SECONDS);
    // A Lambda runs at most 900 s; the wait must leave room for RunTask and a margin.
    if (waitForRunningSeconds !== 0) wholeNumber("waitForRunningSeconds", 1, 840)(waitForRunningSeconds);
    const triggerLambdaTimeoutSeconds =
        args.triggerTimeoutSeconds ??
        (waitForRunningSeconds > 0 ? waitForRunningSeconds + 60 : STEP_DEFAULTS.triggerTimeoutSeconds);
    wholeNumber("triggerTimeoutSeconds", 1, 900)(triggerLambdaTimeoutSeconds);
    if (triggerLambdaTimeoutSeconds < waitForRunningSeconds + 30) {
        throw new Error(
            `FargateActivityStep "${stepName}": triggerTimeoutSeconds (${triggerLambdaTimeoutSeconds}) must leave 30 s beyond waitForRunningSeconds (${waitForRunningSeconds})`,
        );
    }
    return {
        timeoutSeconds,
        heartbeatSeconds,
        waitForRunningSeconds,
        triggerLambdaTimeoutSeconds,
        triggerTimeoutSeconds: triggerLambdaTimeoutSeconds + 15,
    };
}
