// What the engine does to a state machine definition before aws-local-stepfunctions runs it:
// find every Task state (also inside Parallel branches and Map processors), classify its Resource,
// and build the copy the library runs (it mutates what it is given, owns a Task timer that starts
// at state entry with a 60 s default, and never cancels a handler).
import { EngineError } from "./errors";
import { parseArn } from "../names";
import { parseReferencePath } from "./reference-path";

/** The largest number of seconds a Node timer holds (2^31-1 ms); a larger delay fires at once. */
export const MAX_TIMER_SECONDS = 2_147_483;
/**
 * The most iterations an inline Map runs at once, whatever its MaxConcurrency ("In this mode, the
 * Map state supports up to 40 concurrent iterations":
 * https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html).
 */
export const INLINE_MAP_MAX_CONCURRENCY = 40;
/** AWS's default for a Task's TimeoutSeconds and an activity's HeartbeatSeconds. */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

export type TaskKind = "lambda" | "lambdaInvoke" | "activity";

export interface TaskInfo {
    stateName: string;
    kind: TaskKind;
    /** The Resource as written. */
    resource: string;
    /** kind "lambda": the function ARN. */
    functionArn?: string;
    /** kind "activity": the activity ARN. */
    activityArn?: string;
    /** From the original definition (undefined = not set). */
    timeoutSeconds?: number;
    timeoutSecondsPath?: string;
    heartbeatSeconds?: number;
    heartbeatSecondsPath?: string;
}

export interface PreparedDefinition {
    /** The original definition, parsed (never handed to the library). */
    original: any;
    /** The rewritten copy; clone it again for every run. */
    runDefinition: any;
    /** Top-level TimeoutSeconds (enforced by the engine, removed from runDefinition). */
    executionTimeoutSeconds?: number;
    tasks: Map<string, TaskInfo>;
    /** Every state by name (names are unique across the whole machine). */
    states: Map<string, any>;
}

export interface PrepareOptions {
    /** Multiplies every Retry's IntervalSeconds and MaxDelaySeconds (tests: e.g. 0.001). */
    retryIntervalScale?: number;
}

const LAMBDA_FUNCTION_ARN =
    /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:(\$LATEST|[A-Za-z0-9_-]+))?$/;
const ACTIVITY_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:activity:[^:\s]{1,80}$/;

/** Classifies a Task state's Resource; undefined when the local runtime cannot run it. */
export function classifyResource(
    resource: unknown,
): { kind: TaskKind; functionArn?: string; activityArn?: string } | undefined {
    if (typeof resource !== "string") return undefined;
    if (LAMBDA_FUNCTION_ARN.test(resource)) return { kind: "lambda", functionArn: resource };
    if (ACTIVITY_ARN.test(resource)) return { kind: "activity", activityArn: resource };
    const p = parseArn(resource);
    if (p && p.service === "states" && p.region === "" && p.account === "" && p.resource.join(":") === "lambda:invoke")
        return { kind: "lambdaInvoke" };
    return undefined;
}

/**
 * Resolves `FunctionName` of a `lambda:invoke` task (a name, a partial ARN or a full ARN, with an
 * optional qualifier) to a function ARN.
 */
export function resolveFunctionName(functionName: unknown, region: string, account: string): string | undefined {
    if (typeof functionName !== "string" || functionName.length === 0) return undefined;
    if (LAMBDA_FUNCTION_ARN.test(functionName)) return functionName;
    let m = /^(\d{12}):function:([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9_$-]+)?$/.exec(functionName);
    if (m) return `arn:aws:lambda:${region}:${m[1]}:function:${m[2]}${m[3] ?? ""}`;
    m = /^([A-Za-z0-9_-]{1,64})(:[A-Za-z0-9_$-]+)?$/.exec(functionName);
    if (m) return `arn:aws:lambda:${region}:${account}:function:${m[1]}${m[2] ?? ""}`;
    return undefined;
}

/** Visits every state of a definition, also inside Parallel branches and Map processors. */
export function walkStates(definition: any, visit: (name: string, state: any, scope: any) => void): void {
    const states = definition?.States;
    if (!states || typeof states !== "object") return;
    for (const [name, state] of Object.entries<any>(states)) {
        visit(name, state, definition);
        if (state?.Type === "Parallel" && Array.isArray(state.Branches)) {
            for (const branch of state.Branches) walkStates(branch, visit);
        }
        if (state?.Type === "Map") {
            const processor = state.ItemProcessor ?? state.Iterator;
            if (processor) walkStates(processor, visit);
        }
    }
}

export function parseDefinition(definition: unknown): any {
    let parsed: any = definition;
    if (typeof definition === "string") {
        try {
            parsed = JSON.parse(definition);
        } catch (err: any) {
            throw new EngineError(
                "InvalidDefinition",
                `Invalid State Machine Definition: 'not valid JSON: ${err?.message ?? err}'`,
            );
        }
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new EngineError(
            "InvalidDefinition",
            "Invalid State Machine Definition: 'the definition must be a JSON object'",
        );
    }
    return structuredClone(parsed);
}

function invalid(message: string): EngineError {
    return new EngineError("InvalidDefinition", `Invalid State Machine Definition: '${message}'`);
}

function optionalPositiveInt(state: any, field: string, stateName: string): number | undefined {
    const v = state[field];
    if (v === undefined) return undefined;
    if (!Number.isInteger(v) || v < 1) throw invalid(`state ${stateName}: ${field} must be a positive integer`);
    return v;
}

/**
 * Checks what the local runtime can run and builds the library's copy. Throws InvalidDefinition
 * (fail early) for what it cannot: unsupported Task resources, JSONata, distributed Map.
 * Does not run the ASL schema validation (the engine asks the library for that).
 */
export function prepareDefinition(definition: unknown, options: PrepareOptions = {}): PreparedDefinition {
    const original = parseDefinition(definition);
    if (original.QueryLanguage === "JSONata")
        throw invalid("QueryLanguage JSONata is not supported by the local runtime (JSONPath only)");
    const tasks = new Map<string, TaskInfo>();
    const states = new Map<string, any>();
    walkStates(original, (name, state) => {
        if (states.has(name))
            throw invalid(
                `state name ${JSON.stringify(name)} is used more than once; the local runtime needs names unique across the whole state machine`,
            );
        states.set(name, state);
        if (!state || typeof state !== "object") return;
        checkState(name, state);
        if (state.Type === "Task") tasks.set(name, describeTask(name, state));
    });
    const top = original.TimeoutSeconds;
    if (top !== undefined && (!Number.isInteger(top) || top < 1))
        throw invalid("TimeoutSeconds must be a positive integer");

    const runDefinition = rewriteForLibrary(original, options);
    return { original, runDefinition, executionTimeoutSeconds: top, tasks, states };
}

/** A state the local runtime cannot run at all: JSONata, or a distributed Map. */
function checkState(name: string, state: any): void {
    if (state.QueryLanguage === "JSONata")
        throw invalid(`state ${name}: QueryLanguage JSONata is not supported by the local runtime (JSONPath only)`);
    if (state.Type !== "Map") return;
    const processor = state.ItemProcessor ?? state.Iterator;
    if (
        processor?.ProcessorConfig?.Mode === "DISTRIBUTED" ||
        state.ItemReader ||
        state.ResultWriter ||
        state.ItemBatcher
    ) {
        throw invalid(
            `state ${name}: a distributed Map (ItemReader, ResultWriter, ItemBatcher or Mode DISTRIBUTED) is not supported by the local runtime`,
        );
    }
}

/** What the engine needs to run a Task state, after checking the local runtime can run it. */
function describeTask(name: string, state: any): TaskInfo {
    const cls = classifyResource(state.Resource);
    if (!cls) {
        throw invalid(
            `state ${name}: Resource ${JSON.stringify(state.Resource)} is not supported by the local runtime; it runs Lambda function ARNs (arn:aws:lambda:<region>:<account>:function:<name>), arn:aws:states:::lambda:invoke with FunctionName, and activity ARNs (arn:aws:states:<region>:<account>:activity:<name>)`,
        );
    }
    if (cls.kind === "lambdaInvoke") checkLambdaInvokeParameters(name, state.Parameters);
    const info: TaskInfo = {
        stateName: name,
        kind: cls.kind,
        resource: state.Resource,
        functionArn: cls.functionArn,
        activityArn: cls.activityArn,
        timeoutSeconds: optionalPositiveInt(state, "TimeoutSeconds", name),
        heartbeatSeconds: optionalPositiveInt(state, "HeartbeatSeconds", name),
        timeoutSecondsPath: typeof state.TimeoutSecondsPath === "string" ? state.TimeoutSecondsPath : undefined,
        heartbeatSecondsPath: typeof state.HeartbeatSecondsPath === "string" ? state.HeartbeatSecondsPath : undefined,
    };
    for (const path of [info.timeoutSecondsPath, info.heartbeatSecondsPath]) {
        if (path !== undefined && parseReferencePath(path) === undefined) {
            throw invalid(
                `state ${name}: the local runtime supports only simple reference paths ($.a.b, $['a'][0]) in TimeoutSecondsPath/HeartbeatSecondsPath, not ${JSON.stringify(path)}`,
            );
        }
    }
    return info;
}

/** lambda:invoke needs a FunctionName, and runs only the synchronous RequestResponse invocation. */
function checkLambdaInvokeParameters(name: string, params: any): void {
    if (
        !params ||
        typeof params !== "object" ||
        (params.FunctionName === undefined && params["FunctionName.$"] === undefined)
    ) {
        throw invalid(`state ${name}: arn:aws:states:::lambda:invoke needs Parameters.FunctionName`);
    }
    if (params.InvocationType !== undefined && params.InvocationType !== "RequestResponse") {
        throw invalid(
            `state ${name}: lambda:invoke with InvocationType ${JSON.stringify(params.InvocationType)} is not supported by the local runtime`,
        );
    }
}

/**
 * The copy the library runs: no top-level TimeoutSeconds (the engine times executions out itself),
 * every Task's timer disarmed (TimeoutSeconds = MAX_TIMER_SECONDS, no *Path, no Heartbeat*: the
 * engine's handlers and the ActivityScheduler own the real clocks), Wait states capped to what a
 * Node timer holds, inline Maps capped at AWS's concurrency, and Retry intervals scaled when asked.
 */
export function rewriteForLibrary(original: any, options: PrepareOptions = {}): any {
    const copy = structuredClone(original);
    delete copy.TimeoutSeconds;
    const scale = options.retryIntervalScale;
    walkStates(copy, (_name, state) => {
        if (!state || typeof state !== "object") return;
        if (state.Type === "Task") {
            state.TimeoutSeconds = MAX_TIMER_SECONDS;
            delete state.TimeoutSecondsPath;
            delete state.HeartbeatSeconds;
            delete state.HeartbeatSecondsPath;
        }
        if (state.Type === "Map") capMapConcurrency(state);
        if (state.Type === "Wait" && typeof state.Seconds === "number" && state.Seconds > MAX_TIMER_SECONDS) {
            state.Seconds = MAX_TIMER_SECONDS;
        }
        if (scale !== undefined && Array.isArray(state.Retry)) {
            for (const retrier of state.Retry) {
                retrier.IntervalSeconds = (retrier.IntervalSeconds ?? 1) * scale;
                if (retrier.MaxDelaySeconds !== undefined) retrier.MaxDelaySeconds *= scale;
            }
        }
    });
    return copy;
}

/**
 * A Map's MaxConcurrency as AWS applies it: 0 or absent means as many as possible, which for an
 * inline Map is INLINE_MAP_MAX_CONCURRENCY, and so is any larger number. (The library reads 0 and
 * absent as 40 but runs a larger number as given.) A MaxConcurrencyPath is read by the library at
 * run time and not capped here.
 */
function capMapConcurrency(state: any): void {
    if (state.MaxConcurrencyPath !== undefined) return;
    const given = state.MaxConcurrency;
    if (given === undefined || given === 0 || (typeof given === "number" && given > INLINE_MAP_MAX_CONCURRENCY))
        state.MaxConcurrency = INLINE_MAP_MAX_CONCURRENCY;
}
