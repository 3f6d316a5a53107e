// What the engine keeps about each state machine and each execution (internal; callers see the
// descriptions in ./types.ts).
import type { ScheduledActivityTask } from "../activity-types";
import type { PreparedDefinition } from "./definition";
import type { ExecutionHistory } from "./history";
import type { LibraryRun } from "./library";
import type { ExecutionStatus, StateMachineSettings } from "./types";

export interface StateMachineRecord {
    arn: string;
    name: string;
    definitionText: string;
    roleArn?: string;
    /** As created, with AWS's defaults filled in. */
    settings: Required<StateMachineSettings>;
    creationDate: Date;
    prepared: PreparedDefinition;
    region: string;
    account: string;
    seq: number;
}

export interface ExecutionRecord {
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

/**
 * One counter orders state machines and executions together, in creation order (the lists page by
 * it, and a ListExecutions token holds an execution's number).
 */
export type Sequence = () => number;
