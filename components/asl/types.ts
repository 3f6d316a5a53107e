// The shapes the ASL building blocks share: values, Retry and Catch settings, the input/output
// fields, and IChainable, which states, chains and step blocks all are.
import type { NextableState, State } from "./state";

/** Any JSON value, or a Pulumi input that will resolve to one. */
export type AslValue = unknown;

export interface RetryProps {
    /** Error names to match; `States.ALL` matches every error. */
    errors: string[];
    /** Seconds before the first retry. Default 1. */
    intervalSeconds?: number;
    /** Retries after the first attempt. Default 3; 0 means never retry. */
    maxAttempts?: number;
    /** Multiplier of the interval per retry. Default 2. */
    backoffRate?: number;
    /** Upper bound of the interval in seconds. */
    maxDelaySeconds?: number;
    /** `FULL` randomises each interval to avoid retry storms. */
    jitterStrategy?: "FULL" | "NONE";
}

export interface CatchProps {
    errors: string[];
    /** Where the error object (`{Error, Cause}`) goes in the input; default `$`. */
    resultPath?: string | null;
}

/** Anything that can be put into a chain: a state, or a chain of states. */
export interface IChainable {
    readonly startState: State;
    /** States whose Next the chain's next element becomes. */
    readonly endStates: NextableState[];
}

/** Fields shared by states that shape their input and output. */
export interface IoProps {
    comment?: string;
    inputPath?: string | null;
    outputPath?: string | null;
}

export interface ResultProps extends IoProps {
    parameters?: Record<string, AslValue>;
    resultPath?: string | null;
}
