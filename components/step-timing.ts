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
    // Off by default: the execute state schedules the activity task at once and the worker takes it
    // on its first poll; a container that cannot start is failed by the healer on its stop. Giving
    // waitForRunningSeconds alone asks for the wait.
    const waits = args.waitForRunning ?? args.waitForRunningSeconds !== undefined;
    const waitForRunningSeconds = waits ? (args.waitForRunningSeconds ?? DEFAULT_WAIT_FOR_RUNNING_SECONDS) : 0;
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
