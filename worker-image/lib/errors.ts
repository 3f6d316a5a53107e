// Named errors. A real `Error` with `name` set (not a subclass): the name is what Step Functions
// sees as the error of a failed task, and a plain Error survives any serializer or bundler intact.

/** Error names this worker reports with SendTaskFailure (retry policies match on them). */
export const WorkerErrorNames = {
    /** The task input was not JSON, or the job rejected it. Do not retry. */
    InvalidInput: "Worker.InvalidInput",
    /** The job's output serialized to more than 262144 bytes. */
    OutputTooLarge: "Worker.OutputTooLarge",
    /** The job's output could not be serialized as JSON (cycle, BigInt). */
    InvalidOutput: "Worker.InvalidOutput",
    /** The worker was stopped (SIGTERM/SIGINT) with the task in its hands. Safe to retry. */
    Interrupted: "Worker.Interrupted",
    /** Raised inside the worker when Step Functions closed the task (TaskTimedOut); never reported. */
    TaskClosed: "Worker.TaskClosed",
} as const;

/** A real `Error` whose `name` is `name`; `cause` is kept when given. */
export function namedError(name: string, message: string, cause?: unknown): Error {
    const err = cause === undefined ? new Error(message) : new Error(message, { cause });
    err.name = name;
    return err;
}

/** `err.name` when err looks like an Error with a usable name, else undefined. */
export function errorName(err: unknown): string | undefined {
    const name = (err as { name?: unknown } | null)?.name;
    return typeof name === "string" && name.length > 0 ? name : undefined;
}

export function errorMessage(err: unknown): string {
    if (err instanceof Error) return err.message;
    const message = (err as { message?: unknown } | null)?.message;
    if (typeof message === "string") return message;
    try {
        return typeof err === "string" ? err : (JSON.stringify(err) ?? String(err));
    } catch {
        return String(err);
    }
}
