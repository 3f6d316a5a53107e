// What callers of the local Step Functions engine pass in and get back (the public shapes of
// LocalStepFunctions, ./engine.ts).
import type { ActivityScheduler } from "../activity-types";
import type { HistoryEvent } from "./history";

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
    /**
     * Closed executions kept for Describe/List/GetExecutionHistory; older ones are forgotten, as AWS
     * forgets them 90 days after they close. Default RETAINED_CLOSED_EXECUTIONS.
     */
    retainClosedExecutions?: number;
}

/** How many closed executions a long-running engine keeps by default (see retainClosedExecutions). */
export const RETAINED_CLOSED_EXECUTIONS = 1000;

export type StateMachineType = "STANDARD" | "EXPRESS";

/** CreateStateMachine's `loggingConfiguration`, in the API's shape. */
export interface LoggingConfiguration {
    level: "ALL" | "ERROR" | "FATAL" | "OFF";
    includeExecutionData: boolean;
    destinations?: { cloudWatchLogsLogGroup: { logGroupArn: string } }[];
}

/** CreateStateMachine's `encryptionConfiguration`, in the API's shape. */
export interface EncryptionConfiguration {
    type: "AWS_OWNED_KEY" | "CUSTOMER_MANAGED_KMS_KEY";
    kmsKeyId?: string;
    kmsDataKeyReusePeriodSeconds?: number;
}

/**
 * A state machine's settings besides its definition and role, as CreateStateMachine takes them.
 * The engine runs every machine alike; it keeps these to describe the machine as AWS would.
 */
export interface StateMachineSettings {
    /** Default STANDARD. */
    type?: StateMachineType;
    /** Default: logging OFF, as AWS reports a machine created without it. */
    loggingConfiguration?: LoggingConfiguration;
    /** Default: disabled. */
    tracingConfiguration?: { enabled: boolean };
    /** Default: an AWS-owned key. */
    encryptionConfiguration?: EncryptionConfiguration;
}

export interface CreateStateMachineInput extends StateMachineSettings {
    name?: string;
    /** Default: arn:aws:states:<region>:<account>:stateMachine:<name>. */
    arn?: string;
    /** ASL, as an object or JSON text. */
    definition: object | string;
    roleArn?: string;
}

export interface StateMachineDescription extends Required<StateMachineSettings> {
    stateMachineArn: string;
    name: string;
    status: "ACTIVE";
    definition: string;
    roleArn?: string;
    creationDate: Date;
}

export interface StateMachineListItem {
    stateMachineArn: string;
    name: string;
    type: StateMachineType;
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

export interface ListExecutionsInput extends PageOptions {
    stateMachineArn: string;
    statusFilter?: string;
}
