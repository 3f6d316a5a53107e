// The local Step Functions execution engine: holds state machines and runs their executions with
// aws-local-stepfunctions, mapping every Task state to an injected Lambda invoker or to the
// ActivityScheduler, and records a Step Functions-shaped history. This class is the engine's one
// face; each of its ideas lives in its own file:
//   ./registry.ts        state machines (create, describe, list)
//   ./executions.ts      executions through their life (start, stop, describe, list, history, close)
//   ./execution-run.ts   one execution run by the library; ./execution-end.ts how it ends
//   ./lambda-task.ts, ./activity-task.ts   the Task handlers; ./asl-errors.ts the errors they throw
//   ./event-stream.ts    an execution's events as a live stream
//   ./history.ts         how events are ordered; ./definition.ts what is done to a definition first
import { subscribeToHistory, watchEvents } from "./event-stream";
import { Executions } from "./executions";
import type { HistoryEvent } from "./history";
import { statesTimeoutPrototype } from "./library";
import { StateMachineRegistry } from "./registry";
import type {
    CreateStateMachineInput,
    ExecutionDescription,
    ExecutionListItem,
    HistoryOptions,
    ListExecutionsInput,
    LocalStepFunctionsOptions,
    PageOptions,
    StartExecutionInput,
    StateMachineDescription,
    StateMachineListItem,
} from "./types";

export class LocalStepFunctions {
    readonly region: string;
    readonly accountId: string;
    private readonly machines: StateMachineRegistry;
    private readonly executions: Executions;

    constructor(options: LocalStepFunctionsOptions) {
        if (!options?.scheduler || typeof options.scheduler.schedule !== "function")
            throw new TypeError("LocalStepFunctions needs a scheduler (ActivityScheduler)");
        if (typeof options.invokeLambda !== "function") throw new TypeError("LocalStepFunctions needs invokeLambda");
        this.region = options.region ?? "us-east-1";
        this.accountId = options.accountId ?? "000000000000";
        let seq = 0;
        const sequence = () => ++seq;
        this.machines = new StateMachineRegistry({
            region: this.region,
            accountId: this.accountId,
            options,
            sequence,
        });
        this.executions = new Executions({
            context: { options, timeoutPrototype: statesTimeoutPrototype() },
            machines: this.machines,
            sequence,
        });
    }

    // ---- state machines -------------------------------------------------------------------------

    createStateMachine(input: CreateStateMachineInput): { stateMachineArn: string; creationDate: Date } {
        return this.machines.create(input);
    }

    describeStateMachine(stateMachineArn: string): StateMachineDescription {
        return this.machines.describe(stateMachineArn);
    }

    listStateMachines(options: PageOptions = {}): { stateMachines: StateMachineListItem[]; nextToken?: string } {
        return this.machines.list(options);
    }

    // ---- executions -----------------------------------------------------------------------------

    startExecution(params: StartExecutionInput): { executionArn: string; startDate: Date } {
        return this.executions.start(params);
    }

    describeExecution(executionArn: string): ExecutionDescription {
        return this.executions.describe(executionArn);
    }

    /** Stops a running execution (ABORTED); a closed one is left as it is. */
    stopExecution(executionArn: string, error?: string, cause?: string): { stopDate: Date } {
        return this.executions.stop(executionArn, error, cause);
    }

    /** Resolves with the description once the execution is over and its history is complete. */
    waitForExecution(executionArn: string): Promise<ExecutionDescription> {
        return this.executions.waitFor(executionArn);
    }

    getExecutionHistory(
        executionArn: string,
        options: HistoryOptions = {},
    ): { events: HistoryEvent[]; nextToken?: string } {
        return this.executions.history(executionArn, options);
    }

    listExecutions(params: ListExecutionsInput): { executions: ExecutionListItem[]; nextToken?: string } {
        return this.executions.list(params);
    }

    // ---- events ---------------------------------------------------------------------------------

    /**
     * Calls `listener` for every event of the execution: those already recorded (unless
     * `replay: false`), then each new one as it is appended, through the terminal event.
     */
    subscribe(
        executionArn: string,
        listener: (event: HistoryEvent) => void,
        options: { replay?: boolean } = {},
    ): () => void {
        return subscribeToHistory(this.executions.get(executionArn).history, listener, options);
    }

    /** The execution's events from the first, live, ending after the terminal event. */
    watch(executionArn: string): AsyncIterableIterator<HistoryEvent> {
        return watchEvents(listener => this.subscribe(executionArn, listener));
    }

    /** Aborts every running execution (cancelling their activity tasks) and waits for them to end. */
    close(): Promise<void> {
        return this.executions.close();
    }
}
