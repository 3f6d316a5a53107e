// The STATE column of npm start's live table, for every event type of the failure scenarios of
// tests/e2e/failures.test.ts: the dev stack's definition run by the engine, with scripted Lambda
// and activity outcomes standing in for the trigger and the worker.
import * as assert from "assert";
import { HistoryEvent, LambdaResult, LocalStepFunctions } from "../../../local/sfn/engine";
import { HistoryTable } from "../../../local/cli/history-table";
import { devStack } from "../../helpers/dev-stack";
import { FakeScheduler, FakeTask, fakeLambda } from "../sfn/test-doubles";

type Script = { lambda?: (call: number) => LambdaResult; task?: (task: FakeTask) => void };

const OK: LambdaResult = { ok: true, result: { taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/1" } };
const lambdaFails = (error: string, times: number) => (call: number) =>
    call <= times ? ({ ok: false, errorType: error, errorMessage: `${error} (${call})` } as LambdaResult) : OK;
const firstTask =
    (fail: (task: FakeTask) => void) =>
    (task: FakeTask): void => {
        task.start();
        if (task.index === 1) fail(task);
        else task.succeed({ result: "ecs done" });
    };

/** The failure scenarios, as the engine sees them. */
const SCENARIOS: Record<string, Script> = {
    "SIGTERM mid-job (Worker.Interrupted, retried)": { task: firstTask(t => t.fail("Worker.Interrupted", "SIGTERM")) },
    "a worker that hangs (States.HeartbeatTimeout, retried)": {
        task: firstTask(t => t.timeout("States.HeartbeatTimeout")),
    },
    "no capacity (Trigger.NoCapacity, retried)": { lambda: lambdaFails("Trigger.NoCapacity", 1) },
    "a container that cannot start, four times (Trigger.TaskStopped, caught)": {
        lambda: lambdaFails("Trigger.TaskStopped", 4),
    },
    "a container lost before it polled (Worker.Lost, retried)": { task: firstTask(t => t.fail("Worker.Lost", "gone")) },
    "the job's own error (caught)": { task: t => (t.start(), t.fail("Report.Corrupt", "bad")) },
    "input the job rejects (caught)": { task: t => (t.start(), t.fail("Worker.InvalidInput", "durationMs")) },
};

/** The state each event type names in the dev stack's machine. */
function expectedState(e: HistoryEvent): string {
    const type = e.type!;
    if (type.startsWith("Execution")) return "";
    if (type.startsWith("ParallelState")) return "run-ecs";
    if (type.startsWith("LambdaFunction")) return "trigger-ecs";
    if (type.startsWith("Activity")) return "execute-ecs";
    const details = e.stateEnteredEventDetails ?? e.stateExitedEventDetails;
    if (details) return details.name!;
    throw new Error(`no expectation for ${type}`);
}

describe("history table: the state of every event of the failure scenarios", function () {
    this.timeout(60_000);
    const covered = new Set<string>();

    for (const [name, script] of Object.entries(SCENARIOS)) {
        it(name, async () => {
            const stack = await devStack();
            const definition = stack.one("aws:sfn/stateMachine:StateMachine").inputs.definition;
            let calls = 0;
            const engine = new LocalStepFunctions({
                scheduler: new FakeScheduler(script.task),
                invokeLambda: fakeLambda(() => script.lambda?.(++calls) ?? OK),
                retryIntervalScale: 0.001,
            });
            try {
                const { stateMachineArn } = engine.createStateMachine({ name: "pipeline", definition });
                const { executionArn } = engine.startExecution({ stateMachineArn, input: "{}" });
                await engine.waitForExecution(executionArn);
                const table = new HistoryTable();
                for (const event of engine.getExecutionHistory(executionArn, { maxResults: 1000 }).events) {
                    covered.add(event.type!);
                    assert.strictEqual(table.row(event).state, expectedState(event), `#${event.id} ${event.type}`);
                }
            } finally {
                await engine.close();
            }
        });
    }

    after(() => {
        for (const type of [
            "ParallelStateStarted",
            "ParallelStateFailed",
            "ParallelStateExited",
            "LambdaFunctionFailed",
            "ActivityFailed",
            "ActivityTimedOut",
            "FailStateEntered",
            "ExecutionFailed",
            "ExecutionSucceeded",
        ])
            assert.ok(covered.has(type), `the scenarios cover ${type}`);
    });
});
