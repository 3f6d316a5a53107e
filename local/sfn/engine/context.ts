// What the parts that run executions (./execution-run.ts and the Task handlers) need from the engine.
import type { LocalStepFunctionsOptions } from "./types";

export interface EngineContext {
    /** The engine's options, as given: the scheduler, the Lambda invoker, the library's overrides. */
    options: LocalStepFunctionsOptions;
    /** The library's States.Timeout prototype (./library.ts statesTimeoutPrototype). */
    timeoutPrototype: Promise<object | undefined>;
}
