// Errors thrown into aws-local-stepfunctions from Task handlers, shaped so that its Retry and Catch
// treat them as the ASL errors Step Functions would raise
// (https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html), and the
// error and cause an execution's failure reports.

/** Marks an error that has no cause (ExecutionFailed then has none, rather than ""). */
const NO_CAUSE = Symbol("noCause");

/** An error the library treats as the ASL error `name` (Retry/Catch match on it), with `message` as cause. */
export function aslError(name: string, message: string | undefined, options: { retryable?: boolean } = {}): Error {
    const err = new Error(message ?? "");
    err.name = name;
    if (message === undefined) (err as any)[NO_CAUSE] = true;
    if (options.retryable === false) {
        // The library reads these (RuntimeError's getters): States.Runtime is neither retried nor caught.
        Object.defineProperty(err, "isRetryable", { value: false });
        Object.defineProperty(err, "isCatchable", { value: false });
    }
    return err;
}

export function runtimeError(message: string): Error {
    return aslError("States.Runtime", message, { retryable: false });
}

/** Thrown into the library by handlers of an execution that is already over; nothing records it. */
export function closedError(): Error {
    return aslError("States.Runtime", "the execution is no longer running", { retryable: false });
}

/**
 * States.Timeout with the library's own timeout prototype (./library.ts statesTimeoutPrototype),
 * so that States.TaskFailed does not match it.
 */
export async function timeoutError(message: string, prototype: Promise<object | undefined>): Promise<Error> {
    const err = aslError("States.Timeout", message);
    const proto = await prototype;
    if (proto) Object.setPrototypeOf(err, proto);
    return err;
}

/** The Error/ErrorPath/Cause/CausePath fields of a Fail state. */
export interface FailStateFields {
    Error?: unknown;
    ErrorPath?: unknown;
    Cause?: unknown;
    CausePath?: unknown;
}

/**
 * Error and cause of a failed run, as ExecutionFailed reports them. `failState` is the Fail state
 * that ended the run, if one did.
 */
export function failureOf(err: any, failState?: FailStateFields): { error?: string; cause?: string } {
    const inner = err?.cause instanceof Error ? err.cause : err;
    let error: string | undefined = typeof inner?.name === "string" ? inner.name : "States.Runtime";
    let cause: string | undefined = inner?.[NO_CAUSE] ? undefined : String(inner?.message ?? inner);
    if (failState !== undefined) {
        // A Fail state: the library names its error "FailStateError" and gives a default message
        // when the state sets neither; AWS reports them absent.
        if (failState.Error === undefined && failState.ErrorPath === undefined) error = undefined;
        if (failState.Cause === undefined && failState.CausePath === undefined) cause = undefined;
    }
    return { error, cause };
}
