// The local Step Functions execution engine: holds state machines and runs their executions with
// aws-local-stepfunctions, mapping every Task state to an injected Lambda invoker or to the
// ActivityScheduler, and records a Step Functions-shaped history. See ./history.ts for how events
// are ordered, ./definition.ts for what is done to a definition before the library runs it.
import { randomUUID } from "crypto";
import type { ActivityScheduler, ScheduledActivityTask } from "../activity-types";
import {
    AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
    evaluateReferencePath,
    prepareDefinition,
    PreparedDefinition,
    resolveFunctionName,
    TaskInfo,
} from "./definition";
import { EngineError, missingMember } from "./errors";
import { longTimer } from "../../shared/long-timer";
import { ExecutionHistory, HistoryEvent, HistoryEventType, Invocation, withoutExecutionData } from "./history";
import { libraryMachine, LibraryRun, statesTimeoutPrototype, validateWithLibrary } from "./library";
import {
    executionArnFor,
    parseArn,
    parseExecutionInput,
    requireStatesArn,
    stateMachineArnFor,
    validateName,
} from "../names";

export type LambdaResult = { ok: true; result: unknown } | { ok: false; errorType: string; errorMessage: string };

export interface InvokeLambdaContext {
    executionArn: string;
    stateName: string;
    /** Aborted when the invocation is no longer wanted (Task timeout, execution stopped/timed out). */
    signal: AbortSignal;
}

/** Runs one Lambda invocation. Resolve `{ ok: false }` for a function error; reject only if the runtime itself broke. */
export type InvokeLambda = (
    functionArn: string,
    payload: unknown,
    context: InvokeLambdaContext,
) => Promise<LambdaResult>;

export type ExecutionStatus = "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED";
const STATUSES: readonly string[] = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

export interface LocalStepFunctionsOptions {
    scheduler: ActivityScheduler;
    invokeLambda: InvokeLambda;
    /** For state machines created by name only. Default us-east-1. */
    region?: string;
    /** For state machines created by name only. Default 000000000000. */
    accountId?: string;
    /** Multiplies every Retry's IntervalSeconds and MaxDelaySeconds, backoff kept (tests: 0.001). */
    retryIntervalScale?: number;
    /** The library's option: milliseconds per retrier, keyed by state name (a number or one per retrier). */
    retryIntervalOverrides?: Record<string, number | number[]>;
    /** The library's option: milliseconds a Wait state waits, keyed by state name. */
    waitTimeOverrides?: Record<string, number>;
    /** Every history event of every execution, as it is appended. */
    onEvent?: (executionArn: string, event: HistoryEvent) => void;
}

export interface CreateStateMachineInput {
    name?: string;
    /** Default: arn:aws:states:<region>:<account>:stateMachine:<name>. */
    arn?: string;
    /** ASL, as an object or JSON text. */
    definition: object | string;
    roleArn?: string;
}

export interface StateMachineDescription {
    stateMachineArn: string;
    name: string;
    status: "ACTIVE";
    type: "STANDARD";
    definition: string;
    roleArn?: string;
    creationDate: Date;
}

export interface StartExecutionInput {
    stateMachineArn: string;
    name?: string;
    /** JSON text (as the API takes it); any other value is serialized with JSON.stringify. Default "{}". */
    input?: unknown;
}

export interface ExecutionDescription {
    executionArn: string;
    stateMachineArn: string;
    name: string;
    status: ExecutionStatus;
    startDate: Date;
    stopDate?: Date;
    input: string;
    output?: string;
    error?: string;
    cause?: string;
}

export type ExecutionListItem = Pick<
    ExecutionDescription,
    "executionArn" | "stateMachineArn" | "name" | "status" | "startDate" | "stopDate"
>;

export interface PageOptions {
    /** 1-1000; 0 or undefined = 100. */
    maxResults?: number;
    nextToken?: string;
}

export interface HistoryOptions extends PageOptions {
    reverseOrder?: boolean;
    /** Default true; false leaves input/output out of the events. */
    includeExecutionData?: boolean;
}

const TERMINAL_EVENTS: ReadonlySet<string> = new Set([
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionTimedOut",
    "ExecutionAborted",
]);

const NO_CAUSE = Symbol("noCause");

/** An error the library treats as the ASL error `name` (Retry/Catch match on it), with `message` as cause. */
function aslError(name: string, message: string | undefined, options: { retryable?: boolean } = {}): Error {
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

function runtimeError(message: string): Error {
    return aslError("States.Runtime", message, { retryable: false });
}

/** Thrown into the library by handlers of an execution that is already over; nothing records it. */
function closedError(): Error {
    return aslError("States.Runtime", "the execution is no longer running", { retryable: false });
}

function json(value: unknown): string {
    return JSON.stringify(value === undefined ? null : value);
}

const DATA = { truncated: false };

interface StateMachineRecord {
    arn: string;
    name: string;
    definitionText: string;
    roleArn?: string;
    creationDate: Date;
    prepared: PreparedDefinition;
    region: string;
    account: string;
    seq: number;
}

interface ExecutionRecord {
    arn: string;
    name: string;
    machine: StateMachineRecord;
    input: string;
    startDate: Date;
    seq: number;
    status: ExecutionStatus;
    stopDate?: Date;
    output?: string;
    error?: string;
    cause?: string;
    history: ExecutionHistory;
    run?: LibraryRun;
    /** Settles when the library's event log has been read to its end. */
    drained?: Promise<void>;
    openTasks: Set<ScheduledActivityTask>;
    invocations: Set<AbortController>;
    cancelTimer?: () => void;
    done: Promise<void>;
    markDone: () => void;
}

function encodeToken(kind: string, key: string, position: number): string {
    return Buffer.from(JSON.stringify({ k: kind, q: key, p: position })).toString("base64url");
}

function decodeToken(token: unknown, kind: string, key: string): number {
    if (typeof token !== "string" || token.length === 0 || token.length > 1024)
        throw new EngineError("InvalidToken", `Invalid Token: '${String(token)}'`);
    try {
        const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
        if (t.k === kind && t.q === key && Number.isInteger(t.p) && t.p >= 0) return t.p;
    } catch {
        // fall through
    }
    throw new EngineError("InvalidToken", `Invalid Token: '${token}'`);
}

function pageSize(maxResults: unknown): number {
    if (maxResults === undefined || maxResults === null || maxResults === 0) return 100;
    if (!Number.isInteger(maxResults) || (maxResults as number) < 0 || (maxResults as number) > 1000) {
        throw new EngineError(
            "ValidationException",
            `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000 and greater than or equal to 0`,
        );
    }
    return maxResults as number;
}

export class LocalStepFunctions {
    readonly region: string;
    readonly accountId: string;
    private readonly machines = new Map<string, StateMachineRecord>();
    private readonly executions = new Map<string, ExecutionRecord>();
    private seq = 0;
    private closed = false;
    private readonly timeoutPrototype: Promise<object | undefined>;

    constructor(private readonly options: LocalStepFunctionsOptions) {
        if (!options?.scheduler || typeof options.scheduler.schedule !== "function")
            throw new TypeError("LocalStepFunctions needs a scheduler (ActivityScheduler)");
        if (typeof options.invokeLambda !== "function") throw new TypeError("LocalStepFunctions needs invokeLambda");
        this.region = options.region ?? "us-east-1";
        this.accountId = options.accountId ?? "000000000000";
        this.timeoutPrototype = statesTimeoutPrototype();
    }

    // ---- state machines -------------------------------------------------------------------------

    createStateMachine(input: CreateStateMachineInput): { stateMachineArn: string; creationDate: Date } {
        if (!input || typeof input !== "object") throw new TypeError("createStateMachine needs { name, definition }");
        let name = input.name;
        let arn = input.arn;
        if (arn !== undefined) {
            const parsed = requireStatesArn(arn, "stateMachine", "stateMachineArn");
            if (name !== undefined && parsed.resource[1] !== name)
                throw new EngineError(
                    "ValidationException",
                    `state machine name ${JSON.stringify(name)} does not match its ARN ${arn}`,
                );
            name = parsed.resource[1];
        }
        if (name === undefined) throw missingMember("name");
        validateName(name, "Name");
        arn ??= stateMachineArnFor(this.region, this.accountId, name);
        if (input.definition === undefined || input.definition === null) throw missingMember("definition");
        const definitionText =
            typeof input.definition === "string" ? input.definition : JSON.stringify(input.definition);
        const prepared = prepareDefinition(input.definition, { retryIntervalScale: this.options.retryIntervalScale });
        validateWithLibrary(prepared.original);

        const existing = this.machines.get(arn);
        if (existing) {
            if (
                JSON.stringify(existing.prepared.original) === JSON.stringify(prepared.original) &&
                existing.roleArn === input.roleArn
            ) {
                return { stateMachineArn: existing.arn, creationDate: existing.creationDate };
            }
            throw new EngineError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
        }
        const p = parseArn(arn)!;
        const record: StateMachineRecord = {
            arn,
            name,
            definitionText,
            roleArn: input.roleArn,
            creationDate: new Date(),
            prepared,
            region: p.region,
            account: p.account,
            seq: ++this.seq,
        };
        this.machines.set(arn, record);
        return { stateMachineArn: arn, creationDate: record.creationDate };
    }

    describeStateMachine(stateMachineArn: string): StateMachineDescription {
        const m = this.machine(stateMachineArn);
        return {
            stateMachineArn: m.arn,
            name: m.name,
            status: "ACTIVE",
            type: "STANDARD",
            definition: m.definitionText,
            roleArn: m.roleArn,
            creationDate: m.creationDate,
        };
    }

    listStateMachines(options: PageOptions = {}): {
        stateMachines: { stateMachineArn: string; name: string; type: "STANDARD"; creationDate: Date }[];
        nextToken?: string;
    } {
        const size = pageSize(options.maxResults);
        const start =
            options.nextToken === undefined || options.nextToken === null
                ? 0
                : decodeToken(options.nextToken, "sm", "");
        const all = [...this.machines.values()].sort((a, b) => a.seq - b.seq);
        const page = all.slice(start, start + size);
        return {
            stateMachines: page.map(m => ({
                stateMachineArn: m.arn,
                name: m.name,
                type: "STANDARD" as const,
                creationDate: m.creationDate,
            })),
            nextToken: start + size < all.length ? encodeToken("sm", "", start + size) : undefined,
        };
    }

    private machine(stateMachineArn: unknown): StateMachineRecord {
        if (stateMachineArn === undefined || stateMachineArn === null) throw missingMember("stateMachineArn");
        requireStatesArn(stateMachineArn, "stateMachine", "stateMachineArn");
        const m = this.machines.get(stateMachineArn as string);
        if (!m)
            throw new EngineError(
                "StateMachineDoesNotExist",
                `State Machine Does Not Exist: '${String(stateMachineArn)}'`,
            );
        return m;
    }

    private execution(executionArn: unknown): ExecutionRecord {
        if (executionArn === undefined || executionArn === null) throw missingMember("executionArn");
        requireStatesArn(executionArn, "execution", "executionArn");
        const e = this.executions.get(executionArn as string);
        if (!e) throw new EngineError("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(executionArn)}'`);
        return e;
    }

    // ---- executions -----------------------------------------------------------------------------

    startExecution(params: StartExecutionInput): { executionArn: string; startDate: Date } {
        if (this.closed) throw new Error("the local Step Functions engine is closed");
        if (!params || typeof params !== "object") throw missingMember("stateMachineArn");
        const machine = this.machine(params.stateMachineArn);
        const inputText =
            params.input === undefined || params.input === null || typeof params.input === "string"
                ? params.input
                : JSON.stringify(params.input);
        const { text, value } = parseExecutionInput(inputText);
        const name = params.name === undefined || params.name === null ? randomUUID() : validateName(params.name);
        const arn = executionArnFor(machine.arn, name);
        const existing = this.executions.get(arn);
        if (existing) {
            // AWS: the same name and input while the first is open answers like the first call.
            if (existing.status === "RUNNING" && existing.input === text)
                return { executionArn: existing.arn, startDate: existing.startDate };
            throw new EngineError("ExecutionAlreadyExists", `Execution Already Exists: '${arn}'`);
        }

        const onEvent = this.options.onEvent;
        const history = new ExecutionHistory(
            machine.prepared.states,
            onEvent
                ? event => {
                      try {
                          onEvent(arn, event);
                      } catch {
                          // an observer's failure must not break the execution
                      }
                  }
                : undefined,
        );
        let markDone!: () => void;
        const done = new Promise<void>(resolve => (markDone = resolve));
        const exec: ExecutionRecord = {
            arn,
            name,
            machine,
            input: text,
            startDate: new Date(),
            seq: ++this.seq,
            status: "RUNNING",
            history,
            openTasks: new Set(),
            invocations: new Set(),
            done,
            markDone,
        };
        this.executions.set(arn, exec);
        exec.history.append(
            "ExecutionStarted",
            {
                executionStartedEventDetails: {
                    input: text,
                    inputDetails: DATA,
                    ...(machine.roleArn ? { roleArn: machine.roleArn } : {}),
                },
            },
            exec.startDate.getTime(),
        );
        this.run(exec, value);
        return { executionArn: arn, startDate: exec.startDate };
    }

    private run(exec: ExecutionRecord, input: unknown): void {
        const { prepared } = exec.machine;
        const handlers: Record<string, (input: any) => Promise<any>> = {};
        for (const task of prepared.tasks.values()) {
            handlers[task.stateName] =
                task.kind === "activity"
                    ? input => this.runActivity(exec, task, input)
                    : input => this.runLambda(exec, task, input);
        }
        let run: LibraryRun;
        try {
            run = this.startLibraryRun(exec, input, handlers);
        } catch (err: any) {
            exec.drained = Promise.resolve();
            this.terminate(exec, "FAILED", "ExecutionFailed", {
                error: "States.Runtime",
                cause: String(err?.message ?? err),
            });
            return;
        }
        exec.run = run;
        exec.drained = (async () => {
            try {
                for await (const event of run.eventLogs) exec.history.onLibraryEvent(event);
            } catch {
                // the log only ends early if the library breaks; the result says what happened
            }
        })();
        if (prepared.executionTimeoutSeconds !== undefined) {
            const seconds = prepared.executionTimeoutSeconds;
            exec.cancelTimer = longTimer(seconds * 1000, () =>
                this.terminate(
                    exec,
                    "TIMED_OUT",
                    "ExecutionTimedOut",
                    {},
                    `the execution timed out (TimeoutSeconds ${seconds})`,
                ),
            );
        }
        run.result.then(
            async output => {
                await exec.drained;
                const text = json(output);
                this.terminate(exec, "SUCCEEDED", "ExecutionSucceeded", { output: text });
            },
            async err => {
                await exec.drained;
                const { error, cause } = this.failureOf(exec, err);
                this.terminate(exec, "FAILED", "ExecutionFailed", { error, cause });
            },
        );
    }

    private startLibraryRun(
        exec: ExecutionRecord,
        input: unknown,
        handlers: Record<string, (input: any) => Promise<any>>,
    ): LibraryRun {
        return libraryMachine(exec.machine.prepared.runDefinition).run(input as any, {
            overrides: {
                taskResourceLocalHandlers: handlers,
                retryIntervalOverrides: this.options.retryIntervalOverrides,
                waitTimeOverrides: this.options.waitTimeOverrides,
            },
            context: {
                Execution: {
                    Id: exec.arn,
                    Name: exec.name,
                    RoleArn: exec.machine.roleArn,
                    StartTime: exec.startDate.toISOString(),
                },
                StateMachine: { Id: exec.machine.arn, Name: exec.machine.name },
            },
        });
    }

    /** Error and cause of a failed run, as ExecutionFailed reports them. */
    private failureOf(exec: ExecutionRecord, err: any): { error?: string; cause?: string } {
        const inner = err?.cause instanceof Error ? err.cause : err;
        let error: string | undefined = typeof inner?.name === "string" ? inner.name : "States.Runtime";
        let cause: string | undefined = inner?.[NO_CAUSE] ? undefined : String(inner?.message ?? inner);
        const failName = exec.history.failState;
        if (failName !== undefined) {
            // A Fail state: the library names its error "FailStateError" and gives a default message
            // when the state sets neither; AWS reports them absent.
            const state = exec.machine.prepared.states.get(failName) ?? {};
            if (state.Error === undefined && state.ErrorPath === undefined) error = undefined;
            if (state.Cause === undefined && state.CausePath === undefined) cause = undefined;
        }
        return { error, cause };
    }

    /**
     * Ends an execution once: sets its status, cancels open activity tasks and Lambda invocations,
     * stops the library run, and seals the history with the terminal event after the library's
     * log has been read to its end.
     */
    private terminate(
        exec: ExecutionRecord,
        status: Exclude<ExecutionStatus, "RUNNING">,
        eventType: HistoryEventType,
        result: { output?: string; error?: string; cause?: string },
        reason?: string,
    ): boolean {
        if (exec.status !== "RUNNING") return false;
        exec.status = status;
        exec.stopDate = new Date();
        exec.output = result.output;
        exec.error = result.error;
        exec.cause = result.cause;
        exec.cancelTimer?.();
        const why = reason ?? `execution ${status.toLowerCase().replace("_", " ")}`;
        for (const task of exec.openTasks) task.cancel(why);
        exec.openTasks.clear();
        for (const controller of exec.invocations) controller.abort(new Error(why));
        exec.invocations.clear();
        if (status === "ABORTED" || status === "TIMED_OUT") exec.run?.abort();

        const details: Record<string, unknown> = {};
        const key = `${eventType[0].toLowerCase()}${eventType.slice(1)}EventDetails`;
        if (eventType === "ExecutionSucceeded") details[key] = { output: result.output, outputDetails: DATA };
        else
            details[key] = {
                ...(result.error !== undefined ? { error: result.error } : {}),
                ...(result.cause !== undefined ? { cause: result.cause } : {}),
            };
        const at = exec.stopDate.getTime();
        void (exec.drained ?? Promise.resolve()).then(() => {
            exec.history.seal(eventType, details, at);
            exec.markDone();
        });
        return true;
    }

    describeExecution(executionArn: string): ExecutionDescription {
        const e = this.execution(executionArn);
        return {
            executionArn: e.arn,
            stateMachineArn: e.machine.arn,
            name: e.name,
            status: e.status,
            startDate: e.startDate,
            ...(e.stopDate ? { stopDate: e.stopDate } : {}),
            input: e.input,
            ...(e.output !== undefined ? { output: e.output } : {}),
            ...(e.error !== undefined ? { error: e.error } : {}),
            ...(e.cause !== undefined ? { cause: e.cause } : {}),
        };
    }

    /** Stops a running execution (ABORTED); a closed one is left as it is. */
    stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
        const e = this.execution(executionArn);
        if (error !== undefined && (typeof error !== "string" || error.length > 256))
            throw new EngineError(
                "ValidationException",
                "1 validation error detected: Value at 'error' failed to satisfy constraint: Member must have length less than or equal to 256",
            );
        if (cause !== undefined && (typeof cause !== "string" || cause.length > 32768))
            throw new EngineError(
                "ValidationException",
                "1 validation error detected: Value at 'cause' failed to satisfy constraint: Member must have length less than or equal to 32768",
            );
        this.terminate(e, "ABORTED", "ExecutionAborted", { error, cause }, "execution stopped");
        return { stopDate: e.stopDate! };
    }

    /** Resolves with the description once the execution is over and its history is complete. */
    async waitForExecution(executionArn: string): Promise<ExecutionDescription> {
        const e = this.execution(executionArn);
        await e.done;
        return this.describeExecution(executionArn);
    }

    getExecutionHistory(
        executionArn: string,
        options: HistoryOptions = {},
    ): { events: HistoryEvent[]; nextToken?: string } {
        const e = this.execution(executionArn);
        const size = pageSize(options.maxResults);
        const reverse = options.reverseOrder === true;
        const key = `${e.arn}|${reverse}`;
        const start =
            options.nextToken === undefined || options.nextToken === null
                ? 0
                : decodeToken(options.nextToken, "history", key);
        const ordered = reverse ? [...e.history.events].reverse() : e.history.events;
        let page = ordered.slice(start, start + size);
        if (options.includeExecutionData === false) page = page.map(withoutExecutionData);
        return {
            events: page,
            nextToken: start + size < ordered.length ? encodeToken("history", key, start + size) : undefined,
        };
    }

    listExecutions(params: PageOptions & { stateMachineArn: string; statusFilter?: string }): {
        executions: ExecutionListItem[];
        nextToken?: string;
    } {
        const m = this.machine(params?.stateMachineArn);
        if (params.statusFilter !== undefined && !STATUSES.includes(params.statusFilter)) {
            throw new EngineError(
                "ValidationException",
                `1 validation error detected: Value '${String(params.statusFilter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(", ")}]`,
            );
        }
        const size = pageSize(params.maxResults);
        const key = `${m.arn}|${params.statusFilter ?? ""}`;
        const before =
            params.nextToken === undefined || params.nextToken === null
                ? Infinity
                : decodeToken(params.nextToken, "executions", key);
        // Newest first, as AWS lists them; the token remembers where the page ended.
        const all = [...this.executions.values()]
            .filter(
                e =>
                    e.machine === m &&
                    (params.statusFilter === undefined || e.status === params.statusFilter) &&
                    e.seq < before,
            )
            .sort((a, b) => b.seq - a.seq);
        const page = all.slice(0, size);
        return {
            executions: page.map(e => ({
                executionArn: e.arn,
                stateMachineArn: m.arn,
                name: e.name,
                status: e.status,
                startDate: e.startDate,
                ...(e.stopDate ? { stopDate: e.stopDate } : {}),
            })),
            nextToken: all.length > size ? encodeToken("executions", key, page[page.length - 1].seq) : undefined,
        };
    }

    /**
     * Calls `listener` for every event of the execution: those already recorded (unless
     * `replay: false`), then each new one as it is appended, through the terminal event.
     */
    subscribe(
        executionArn: string,
        listener: (event: HistoryEvent) => void,
        options: { replay?: boolean } = {},
    ): () => void {
        const e = this.execution(executionArn);
        if (options.replay !== false) for (const event of [...e.history.events]) listener(event);
        if (e.history.sealed) return () => undefined;
        return e.history.subscribe(listener);
    }

    /** The execution's events from the first, live, ending after the terminal event. */
    watch(executionArn: string): AsyncIterableIterator<HistoryEvent> {
        const queue: HistoryEvent[] = [];
        let wake: (() => void) | undefined;
        let finished = false;
        const unsubscribe = this.subscribe(executionArn, event => {
            queue.push(event);
            wake?.();
        });
        const iterator: AsyncIterableIterator<HistoryEvent> = {
            [Symbol.asyncIterator]: () => iterator,
            next: async () => {
                while (!finished) {
                    const event = queue.shift();
                    if (event) {
                        if (TERMINAL_EVENTS.has(event.type!)) {
                            finished = true;
                            unsubscribe();
                        }
                        return { value: event, done: false };
                    }
                    await new Promise<void>(resolve => (wake = resolve));
                    wake = undefined;
                }
                return { value: undefined, done: true };
            },
            return: async () => {
                finished = true;
                unsubscribe();
                wake?.();
                return { value: undefined, done: true };
            },
        };
        return iterator;
    }

    /** Aborts every running execution (cancelling their activity tasks) and waits for them to end. */
    async close(): Promise<void> {
        this.closed = true;
        const running = [...this.executions.values()].filter(e => e.status === "RUNNING");
        for (const e of running)
            this.terminate(
                e,
                "ABORTED",
                "ExecutionAborted",
                { cause: "the local Step Functions engine was closed" },
                "engine closed",
            );
        await Promise.all([...this.executions.values()].map(e => e.done));
    }

    // ---- Task handlers --------------------------------------------------------------------------

    /** TimeoutSeconds/HeartbeatSeconds of a Task from its fixed value or its reference path. */
    private seconds(
        fixed: number | undefined,
        path: string | undefined,
        input: unknown,
        field: string,
    ): number | undefined {
        if (fixed !== undefined) return fixed;
        if (path === undefined) return undefined;
        const r = evaluateReferencePath(path, input);
        if (!r.found) throw runtimeError(`${field}Path ${path} could not be found in the task input`);
        if (!Number.isInteger(r.value) || (r.value as number) < 1)
            throw runtimeError(`${field}Path ${path} must resolve to a positive integer, got ${json(r.value)}`);
        return r.value as number;
    }

    private async timeoutError(message: string): Promise<Error> {
        const err = aslError("States.Timeout", message);
        const proto = await this.timeoutPrototype;
        if (proto) Object.setPrototypeOf(err, proto);
        return err;
    }

    private async runLambda(exec: ExecutionRecord, task: TaskInfo, input: any): Promise<unknown> {
        const inv = exec.history.beginInvocation(task.stateName);
        if (exec.status !== "RUNNING") throw closedError();
        const record = (type: HistoryEventType, details?: object) =>
            exec.status === "RUNNING" && inv.record(type, details as any);
        const timeoutSeconds = this.seconds(task.timeoutSeconds, task.timeoutSecondsPath, input, "TimeoutSeconds");
        const integration = task.kind === "lambdaInvoke";
        let functionArn: string;
        let payload: unknown;
        if (integration) {
            const resolved = resolveFunctionName(input?.FunctionName, exec.machine.region, exec.machine.account);
            if (!resolved)
                throw runtimeError(
                    `state ${task.stateName}: FunctionName ${json(input?.FunctionName)} is not a function name or ARN`,
                );
            functionArn =
                typeof input.Qualifier === "string" && resolved.split(":").length === 7
                    ? `${resolved}:${input.Qualifier}`
                    : resolved;
            payload = input.Payload === undefined ? {} : input.Payload;
            record("TaskScheduled", {
                taskScheduledEventDetails: {
                    resourceType: "lambda",
                    resource: "invoke",
                    region: exec.machine.region,
                    parameters: json(input),
                    ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
                },
            });
            record("TaskStarted", { taskStartedEventDetails: { resourceType: "lambda", resource: "invoke" } });
        } else {
            functionArn = task.functionArn!;
            payload = input;
            record("LambdaFunctionScheduled", {
                lambdaFunctionScheduledEventDetails: {
                    resource: functionArn,
                    input: json(payload),
                    inputDetails: DATA,
                    ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
                },
            });
            record("LambdaFunctionStarted");
        }
        const failed = (error: string, cause: string | undefined) =>
            integration
                ? record("TaskFailed", {
                      taskFailedEventDetails: {
                          resourceType: "lambda",
                          resource: "invoke",
                          error,
                          ...(cause !== undefined ? { cause } : {}),
                      },
                  })
                : record("LambdaFunctionFailed", {
                      lambdaFunctionFailedEventDetails: { error, ...(cause !== undefined ? { cause } : {}) },
                  });

        const controller = new AbortController();
        exec.invocations.add(controller);
        let cancelTimer: (() => void) | undefined;
        try {
            const timedOut = new Promise<"timeout">(resolve => {
                if (timeoutSeconds !== undefined && timeoutSeconds < AWS_DEFAULT_TASK_TIMEOUT_SECONDS)
                    cancelTimer = longTimer(timeoutSeconds * 1000, () => resolve("timeout"));
            });
            const aborted = new Promise<"aborted">(resolve =>
                controller.signal.addEventListener("abort", () => resolve("aborted"), { once: true }),
            );
            let outcome: LambdaResult | "timeout" | "aborted";
            try {
                outcome = await Promise.race([
                    this.options.invokeLambda(functionArn, payload, {
                        executionArn: exec.arn,
                        stateName: task.stateName,
                        signal: controller.signal,
                    }),
                    timedOut,
                    aborted,
                ]);
            } catch (err: any) {
                // The invoker itself broke (not a function error): Lambda's service error.
                if (exec.status !== "RUNNING") throw closedError();
                const cause = String(err?.message ?? err);
                failed("Lambda.ServiceException", cause);
                throw aslError("Lambda.ServiceException", cause);
            }
            if (outcome === "aborted" || exec.status !== "RUNNING") throw closedError();
            if (outcome === "timeout") {
                const cause = `the Lambda invocation did not finish within TimeoutSeconds (${timeoutSeconds})`;
                if (integration)
                    record("TaskTimedOut", {
                        taskTimedOutEventDetails: {
                            resourceType: "lambda",
                            resource: "invoke",
                            error: "States.Timeout",
                            cause,
                        },
                    });
                else
                    record("LambdaFunctionTimedOut", {
                        lambdaFunctionTimedOutEventDetails: { error: "States.Timeout", cause },
                    });
                controller.abort(new Error("Task timed out"));
                throw await this.timeoutError(cause);
            }
            if (!outcome.ok) {
                failed(outcome.errorType, outcome.errorMessage);
                throw aslError(outcome.errorType || "Error", outcome.errorMessage);
            }
            const result = outcome.result === undefined ? null : outcome.result;
            if (integration) {
                const output = { ExecutedVersion: "$LATEST", Payload: result, StatusCode: 200 };
                record("TaskSucceeded", {
                    taskSucceededEventDetails: {
                        resourceType: "lambda",
                        resource: "invoke",
                        output: json(output),
                        outputDetails: DATA,
                    },
                });
                return output;
            }
            record("LambdaFunctionSucceeded", {
                lambdaFunctionSucceededEventDetails: { output: json(result), outputDetails: DATA },
            });
            return result;
        } finally {
            cancelTimer?.();
            exec.invocations.delete(controller);
        }
    }

    private async runActivity(exec: ExecutionRecord, task: TaskInfo, input: unknown): Promise<unknown> {
        const inv: Invocation = exec.history.beginInvocation(task.stateName);
        if (exec.status !== "RUNNING") throw closedError();
        const record = (type: HistoryEventType, details?: object) =>
            exec.status === "RUNNING" && inv.record(type, details as any);
        const timeoutSeconds = this.seconds(task.timeoutSeconds, task.timeoutSecondsPath, input, "TimeoutSeconds");
        const heartbeatSeconds = this.seconds(
            task.heartbeatSeconds,
            task.heartbeatSecondsPath,
            input,
            "HeartbeatSeconds",
        );
        const inputText = json(input);
        const activityArn = task.activityArn!;
        record("ActivityScheduled", {
            activityScheduledEventDetails: {
                resource: activityArn,
                input: inputText,
                inputDetails: DATA,
                ...(timeoutSeconds !== undefined ? { timeoutInSeconds: timeoutSeconds } : {}),
                ...(heartbeatSeconds !== undefined ? { heartbeatInSeconds: heartbeatSeconds } : {}),
            },
        });
        let scheduled: ScheduledActivityTask;
        try {
            scheduled = this.options.scheduler.schedule(
                { activityArn, input: inputText, timeoutSeconds, heartbeatSeconds, executionArn: exec.arn },
                {
                    onStarted: workerName =>
                        record("ActivityStarted", {
                            activityStartedEventDetails: workerName === undefined ? {} : { workerName },
                        }),
                },
            );
        } catch (err: any) {
            const error = String(err?.code ?? err?.name ?? "States.Runtime");
            const cause = String(err?.message ?? err);
            record("ActivityScheduleFailed", { activityScheduleFailedEventDetails: { error, cause } });
            throw aslError(error, cause);
        }
        exec.openTasks.add(scheduled);
        if (exec.status !== "RUNNING") {
            // stopped while the scheduler was being called
            scheduled.cancel("execution stopped");
        }
        let outcome;
        try {
            outcome = await scheduled.outcome;
        } finally {
            exec.openTasks.delete(scheduled);
        }
        if (exec.status !== "RUNNING") throw closedError();
        switch (outcome.kind) {
            case "succeeded": {
                let output: unknown;
                try {
                    output = JSON.parse(outcome.output);
                } catch {
                    throw runtimeError(`the activity's output is not valid JSON: ${outcome.output.slice(0, 200)}`);
                }
                record("ActivitySucceeded", {
                    activitySucceededEventDetails: { output: outcome.output, outputDetails: DATA },
                });
                return output;
            }
            case "failed":
                record("ActivityFailed", {
                    activityFailedEventDetails: {
                        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
                        ...(outcome.cause !== undefined ? { cause: outcome.cause } : {}),
                    },
                });
                // No error name from the worker: the task failed without one (States.ALL and States.TaskFailed match it).
                throw aslError(outcome.error || "States.TaskFailed", outcome.cause);
            case "timedOut": {
                const cause =
                    outcome.error === "States.Timeout"
                        ? `the activity task did not finish within TimeoutSeconds (${timeoutSeconds ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS}) of ActivityStarted`
                        : `no heartbeat within HeartbeatSeconds (${heartbeatSeconds ?? AWS_DEFAULT_TASK_TIMEOUT_SECONDS})`;
                record("ActivityTimedOut", { activityTimedOutEventDetails: { error: outcome.error, cause } });
                throw outcome.error === "States.Timeout"
                    ? await this.timeoutError(cause)
                    : aslError(outcome.error, cause);
            }
            case "cancelled":
            default:
                // Only the engine cancels tasks, and then the execution is over; anything else is a broken store.
                throw runtimeError(`the activity task was cancelled: ${(outcome as any).reason ?? "unknown reason"}`);
        }
    }
}
