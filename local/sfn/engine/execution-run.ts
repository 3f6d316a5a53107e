// Running an execution with aws-local-stepfunctions: every Task state handled by ./lambda-task.ts
// or ./activity-task.ts, the library's event log read into the history, the execution's
// TimeoutSeconds on its own clock, a history that reaches AWS's limit failing it, and the run's
// result ending the execution.
import { longTimer } from "../../shared/long-timer";
import { runActivity } from "./activity-task";
import { HISTORY_LIMIT_FAILURE } from "./history-limit";
import { failureOf } from "./asl-errors";
import { json } from "./event-data";
import { terminate } from "./execution-end";
import { runLambda } from "./lambda-task";
import { libraryMachine, LibraryRun } from "./library";
import type { EngineContext } from "./context";
import type { ExecutionRecord } from "./records";

type TaskHandlers = Record<string, (input: any) => Promise<any>>;

/** Starts the run of a new execution; it ends the execution itself (see ./execution-end.ts). */
export function runExecution(context: EngineContext, exec: ExecutionRecord, input: unknown): void {
    const { prepared } = exec.machine;
    const handlers: TaskHandlers = {};
    for (const task of prepared.tasks.values()) {
        handlers[task.stateName] =
            task.kind === "activity"
                ? input => runActivity(context, exec, task, input)
                : input => runLambda(context, exec, task, input);
    }
    let run: LibraryRun;
    try {
        run = startLibraryRun(context, exec, input, handlers);
    } catch (err: any) {
        exec.drained = Promise.resolve();
        terminate(exec, "FAILED", "ExecutionFailed", {
            error: "States.Runtime",
            cause: String(err?.message ?? err),
        });
        return;
    }
    exec.run = run;
    exec.drained = readEventLog(exec, run);
    armExecutionTimeout(exec);
    exec.history.whenFull(() => failAtHistoryLimit(exec, run));
    endWithResult(exec, run);
}

/** Reads the library's event log into the history; settles when the log has ended. */
async function readEventLog(exec: ExecutionRecord, run: LibraryRun): Promise<void> {
    try {
        for await (const event of run.eventLogs) exec.history.onLibraryEvent(event);
    } catch {
        // the log only ends early if the library breaks; the result says what happened
    }
}

/** The state machine's TimeoutSeconds, on the engine's clock (./definition.ts leaves it out of the copy the library runs). */
function armExecutionTimeout(exec: ExecutionRecord): void {
    const seconds = exec.machine.prepared.executionTimeoutSeconds;
    if (seconds === undefined) return;
    exec.cancelTimer = longTimer(seconds * 1000, () =>
        terminate(exec, "TIMED_OUT", "ExecutionTimedOut", {}, `the execution timed out (TimeoutSeconds ${seconds})`),
    );
}

/** The history cannot take the next event (see ./history-limit.ts): the execution fails, and its run stops. */
function failAtHistoryLimit(exec: ExecutionRecord, run: LibraryRun): void {
    if (terminate(exec, "FAILED", "ExecutionFailed", { ...HISTORY_LIMIT_FAILURE })) run.abort();
}

/** Ends the execution with the run's result, once the history has every event of the run. */
function endWithResult(exec: ExecutionRecord, run: LibraryRun): void {
    run.result.then(
        async output => {
            await exec.drained;
            const text = json(output);
            terminate(exec, "SUCCEEDED", "ExecutionSucceeded", { output: text });
        },
        async err => {
            await exec.drained;
            const failName = exec.history.failState;
            const failState = failName === undefined ? undefined : (exec.machine.prepared.states.get(failName) ?? {});
            const { error, cause } = failureOf(err, failState);
            terminate(exec, "FAILED", "ExecutionFailed", { error, cause });
        },
    );
}

function startLibraryRun(
    context: EngineContext,
    exec: ExecutionRecord,
    input: unknown,
    handlers: TaskHandlers,
): LibraryRun {
    return libraryMachine(exec.machine.prepared.runDefinition).run(input as any, {
        overrides: {
            taskResourceLocalHandlers: handlers,
            retryIntervalOverrides: context.options.retryIntervalOverrides,
            waitTimeOverrides: context.options.waitTimeOverrides,
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
