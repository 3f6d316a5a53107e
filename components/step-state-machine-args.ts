// What a StepStateMachine takes: its arguments, the log levels, and the defaults and rules it
// shares with the stack configuration (stack-settings.ts).
import * as pulumi from "@pulumi/pulumi";
import { IChainable } from "./asl";
import type { FargateActivityStep } from "./fargate-activity-step";
import { oneOfThese, wholeNumberFrom } from "./rules";

export type LogLevel = "ALL" | "ERROR" | "FATAL" | "OFF";
export const LOG_LEVELS: readonly LogLevel[] = ["ALL", "ERROR", "FATAL", "OFF"];

export interface StepStateMachineArgs {
    /** The first state or chain; the definition is everything reachable from it. */
    definition: IChainable;
    /** The steps the definition uses: the role may invoke their triggers. */
    steps: FargateActivityStep[];
    /** The execution's own timeout: the only clock while an activity task waits for a worker. Required. */
    timeoutSeconds: number;
    comment?: string;
    /** Execution log level. Default `ERROR`. */
    logLevel?: LogLevel;
    /** Log execution inputs and outputs (they may hold private data). Default false. */
    includeExecutionData?: boolean;
    /** Default 30. */
    logRetentionDays?: pulumi.Input<number>;
    /** Alarms on failed and timed-out executions (AWS/States), notifying `topicArn` when given. Default: none. */
    alarms?: { topicArn?: pulumi.Input<string> };
}

export const STEP_STATE_MACHINE_DEFAULTS = {
    logLevel: "ERROR",
    includeExecutionData: false,
    logRetentionDays: 30,
} as const satisfies Partial<Record<keyof StepStateMachineArgs, unknown>>;

export const STEP_STATE_MACHINE_RULES = {
    /** Up to one year, the longest a standard execution runs. */
    timeoutSeconds: wholeNumberFrom(1, 31_536_000),
    logLevel: oneOfThese(LOG_LEVELS),
};
