// The activity task's input: JSON, with the reserved `_execution` key the state machine adds
// ({ executionArn, taskArn }) removed before the job sees it.
import { WorkerErrorNames } from "./errors";
import { failure, TaskFailure } from "./report";

export const EXECUTION_KEY = "_execution";

export interface ExecutionInfo {
    /** The Step Functions execution this task belongs to. */
    executionArn?: string;
    /** The ECS task the trigger started for it (not necessarily this container). */
    taskArn?: string;
}

export type ParsedTaskInput =
    | { ok: true; input: unknown; execution: ExecutionInfo }
    | { ok: false; failure: TaskFailure; execution: ExecutionInfo };

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function parseTaskInput(raw: string | undefined): ParsedTaskInput {
    let value: unknown;
    try {
        if (raw === undefined) throw new Error("the task has no input");
        value = JSON.parse(raw);
    } catch (err) {
        return {
            ok: false,
            failure: failure(
                WorkerErrorNames.InvalidInput,
                `The task input is not valid JSON: ${(err as Error).message}`,
            ),
            execution: {},
        };
    }
    if (!isPlainObject(value) || !Object.hasOwn(value, EXECUTION_KEY)) return { ok: true, input: value, execution: {} };
    const { [EXECUTION_KEY]: reserved, ...input } = value;
    const execution: ExecutionInfo = {};
    if (isPlainObject(reserved)) {
        if (typeof reserved.executionArn === "string") execution.executionArn = reserved.executionArn;
        if (typeof reserved.taskArn === "string") execution.taskArn = reserved.taskArn;
    }
    return { ok: true, input, execution };
}
