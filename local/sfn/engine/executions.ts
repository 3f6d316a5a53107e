// The executions the engine knows, through their life: StartExecution (idempotent for the same
// name and input while the first is open, as AWS), DescribeExecution, StopExecution, waiting for
// the end, ListExecutions, GetExecutionHistory, and closing the engine. Running one is
// ./execution-run.ts; ending one is ./execution-end.ts.
import { randomUUID } from "crypto";
import { encodePageToken, pagePosition, pageSize } from "../../shared/paging";
import type { EngineContext } from "./context";
import { EngineError, missingMember, pagingFailure } from "./errors";
import { DATA, withoutExecutionData } from "./event-data";
import { terminate } from "./execution-end";
import { runExecution } from "./execution-run";
import { ExecutionHistory, HistoryEvent } from "./history";
import type { ExecutionRecord, Sequence, StateMachineRecord } from "./records";
import type { StateMachineRegistry } from "./registry";
import { RETAINED_CLOSED_EXECUTIONS } from "./types";
import type {
    ExecutionDescription,
    ExecutionListItem,
    HistoryOptions,
    ListExecutionsInput,
    StartExecutionInput,
} from "./types";
import { executionArnFor, parseExecutionInput, requireStatesArn, validateName } from "../names";

const STATUSES: readonly string[] = ["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"];

export interface ExecutionsSettings {
    context: EngineContext;
    machines: StateMachineRegistry;
    sequence: Sequence;
}

export class Executions {
    private readonly executions = new Map<string, ExecutionRecord>();
    /** Closed executions, oldest first: beyond the limit the oldest is forgotten. */
    private readonly closedOrder: ExecutionRecord[] = [];
    private closed = false;

    constructor(private readonly settings: ExecutionsSettings) {}

    start(params: StartExecutionInput): { executionArn: string; startDate: Date } {
        if (this.closed) throw new Error("the local Step Functions engine is closed");
        if (!params || typeof params !== "object") throw missingMember("stateMachineArn");
        const machine = this.settings.machines.get(params.stateMachineArn);
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
        const exec = this.newExecution(machine, arn, name, text);
        this.executions.set(arn, exec);
        void exec.done.then(() => this.forgetBeyondLimit(exec));
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
        runExecution(this.settings.context, exec, value);
        return { executionArn: arn, startDate: exec.startDate };
    }

    /** A running execution's record, with its history reporting to the engine's onEvent observer. */
    private newExecution(machine: StateMachineRecord, arn: string, name: string, input: string): ExecutionRecord {
        const onEvent = this.settings.context.options.onEvent;
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
            machine.prepared.original,
        );
        let markDone!: () => void;
        const done = new Promise<void>(resolve => (markDone = resolve));
        return {
            arn,
            name,
            machine,
            input,
            startDate: new Date(),
            seq: this.settings.sequence(),
            status: "RUNNING",
            history,
            openTasks: new Set(),
            invocations: new Set(),
            done,
            markDone,
        };
    }

    /** Keeps the newest closed executions, as many as the engine retains; AWS keeps them 90 days. */
    private forgetBeyondLimit(exec: ExecutionRecord): void {
        this.closedOrder.push(exec);
        const limit = this.settings.context.options.retainClosedExecutions ?? RETAINED_CLOSED_EXECUTIONS;
        while (this.closedOrder.length > limit) {
            const oldest = this.closedOrder.shift()!;
            if (this.executions.get(oldest.arn) === oldest) this.executions.delete(oldest.arn);
        }
    }

    /** The execution behind an ARN, or the error AWS gives for it. */
    get(executionArn: unknown): ExecutionRecord {
        if (executionArn === undefined || executionArn === null) throw missingMember("executionArn");
        requireStatesArn(executionArn, "execution", "executionArn");
        const e = this.executions.get(executionArn as string);
        if (!e) throw new EngineError("ExecutionDoesNotExist", `Execution Does Not Exist: '${String(executionArn)}'`);
        return e;
    }

    describe(executionArn: string): ExecutionDescription {
        return this.description(this.get(executionArn));
    }

    private description(e: ExecutionRecord): ExecutionDescription {
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
    stop(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
        const e = this.get(executionArn);
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
        terminate(e, "ABORTED", "ExecutionAborted", { error, cause }, "execution stopped");
        return { stopDate: e.stopDate! };
    }

    /** Resolves with the description once the execution is over and its history is complete. */
    async waitFor(executionArn: string): Promise<ExecutionDescription> {
        const e = this.get(executionArn);
        await e.done;
        return this.description(e); // even if it is already forgotten (see forgetBeyondLimit)
    }

    history(executionArn: string, options: HistoryOptions = {}): { events: HistoryEvent[]; nextToken?: string } {
        const e = this.get(executionArn);
        const size = pageSize(options.maxResults, pagingFailure);
        const reverse = options.reverseOrder === true;
        // A token pages one execution's history in one order.
        const list = { kind: "history", key: `${e.arn}|${reverse}` };
        const start = pagePosition(options.nextToken, list, pagingFailure) ?? 0;
        const ordered = reverse ? [...e.history.events].reverse() : e.history.events;
        let page = ordered.slice(start, start + size);
        if (options.includeExecutionData === false) page = page.map(withoutExecutionData);
        return {
            events: page,
            nextToken: start + size < ordered.length ? encodePageToken(list, start + size) : undefined,
        };
    }

    list(params: ListExecutionsInput): { executions: ExecutionListItem[]; nextToken?: string } {
        const m = this.settings.machines.get(params?.stateMachineArn);
        if (params.statusFilter !== undefined && !STATUSES.includes(params.statusFilter)) {
            throw new EngineError(
                "ValidationException",
                `1 validation error detected: Value '${String(params.statusFilter)}' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(", ")}]`,
            );
        }
        const size = pageSize(params.maxResults, pagingFailure);
        // A token pages one state machine's executions under one filter.
        const list = { kind: "executions", key: `${m.arn}|${params.statusFilter ?? ""}` };
        const before = pagePosition(params.nextToken, list, pagingFailure) ?? Infinity;
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
            nextToken: all.length > size ? encodePageToken(list, page[page.length - 1].seq) : undefined,
        };
    }

    /** Aborts every running execution (cancelling their activity tasks) and waits for them to end. */
    async close(): Promise<void> {
        this.closed = true;
        const running = [...this.executions.values()].filter(e => e.status === "RUNNING");
        for (const e of running)
            terminate(
                e,
                "ABORTED",
                "ExecutionAborted",
                { cause: "the local Step Functions engine was closed" },
                "engine closed",
            );
        await Promise.all([...this.executions.values()].map(e => e.done));
    }
}
