// Everything the engine needs from aws-local-stepfunctions 3.x in one place.
import { EngineError } from "./errors";
import { knownValid, rememberValid } from "./valid-definitions";

// The library calls Promise.withResolvers (Node >= 22). Node 20 lacks it: add it only when missing.
// This must run before the library does anything; it is harmless on Node 22/24.
const P = Promise as any;
if (typeof P.withResolvers !== "function") {
    Object.defineProperty(Promise, "withResolvers", {
        configurable: true,
        writable: true,
        value: function withResolvers<T>() {
            let resolve!: (value: T | PromiseLike<T>) => void;
            let reject!: (reason?: unknown) => void;
            const promise = new Promise<T>((res, rej) => {
                resolve = res;
                reject = rej;
            });
            return { promise, resolve, reject };
        },
    });
}

import { StateMachine, ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from "aws-local-stepfunctions";
export { StateMachine, ExecutionAbortedError, ExecutionError, ExecutionTimeoutError };

export type LibraryRun = ReturnType<StateMachine["run"]>;
export type LibraryEvent = LibraryRun["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

/**
 * Validates a definition the way the library does before running it (asl-validator with ARN and
 * path checks), on a copy. Throws InvalidDefinition with the validator's messages.
 */
export function validateWithLibrary(definition: unknown): void {
    const key = JSON.stringify(definition);
    if (knownValid(key)) return;
    try {
        new StateMachine(structuredClone(definition) as any);
        rememberValid(key);
    } catch (err: any) {
        const text = String(err?.message ?? err)
            .replace(/^State machine definition is invalid, see error\(s\) below:\s*/, "")
            .trim();
        throw new EngineError("InvalidDefinition", `Invalid State Machine Definition: '${text}'`);
    }
}

/** A definition the library runs without validating it again (it was validated at creation). */
export function libraryMachine(runDefinition: unknown): StateMachine {
    return new StateMachine(structuredClone(runDefinition) as any, { validationOptions: { noValidate: true } });
}

let timeoutPrototype: Promise<object | undefined> | undefined;

/**
 * The library's own `StatesTimeoutError` prototype. It is not exported, and its Retry/Catch logic
 * tells `States.Timeout` apart from other errors by `instanceof` (so `States.TaskFailed` does not
 * match a timeout, as in AWS). We obtain it once by letting a one-state machine time out after 1 ms.
 * Undefined if that ever stops working (then timeouts are plain errors named States.Timeout).
 */
export function statesTimeoutPrototype(): Promise<object | undefined> {
    timeoutPrototype ??= (async () => {
        const probe = new StateMachine(
            {
                StartAt: "Probe",
                States: {
                    Probe: {
                        Type: "Task",
                        Resource: "arn:aws:lambda:us-east-1:000000000000:function:probe",
                        TimeoutSeconds: 0.001,
                        End: true,
                    },
                },
            } as any,
            { validationOptions: { noValidate: true } },
        );
        let release!: () => void;
        const never = new Promise<null>(resolve => (release = () => resolve(null)));
        const run = probe.run(null, { overrides: { taskResourceLocalHandlers: { Probe: () => never } } });
        try {
            await run.result;
            return undefined;
        } catch (err: any) {
            const cause = err?.cause;
            return cause?.name === "States.Timeout" ? Object.getPrototypeOf(cause) : undefined;
        } finally {
            release();
        }
    })();
    return timeoutPrototype;
}
