// previousEventId of Parallel and inline Map histories, against the histories LocalStack recorded
// from AWS for the same definitions (tests/aws/services/stepfunctions/v2/scenarios/
// test_base_scenarios.snapshot.json in https://github.com/localstack/localstack, validated against
// AWS between 2023-07 and 2024-09). AWS's own documentation has no such example with event ids.
import * as assert from "assert";
import { HistoryEvent, LocalStepFunctions } from "../../../local/sfn/engine";
import { FakeScheduler, fakeLambda } from "./test-doubles";

type Row = [id: number, previousEventId: number, type: string, name?: string];

async function history(definition: object): Promise<HistoryEvent[]> {
    const engine = new LocalStepFunctions({
        scheduler: new FakeScheduler(),
        invokeLambda: fakeLambda(),
        retryIntervalScale: 0.001,
    });
    try {
        const { stateMachineArn } = engine.createStateMachine({ name: "ids", definition });
        const { executionArn } = engine.startExecution({ stateMachineArn, input: "{}" });
        await engine.waitForExecution(executionArn);
        return engine.getExecutionHistory(executionArn, { maxResults: 1000 }).events;
    } finally {
        await engine.close();
    }
}

function rows(events: HistoryEvent[]): Row[] {
    return events.map(e => {
        const d: any = e.stateEnteredEventDetails ?? e.stateExitedEventDetails;
        return d ? [e.id!, e.previousEventId!, e.type!, d.name] : [e.id!, e.previousEventId!, e.type!];
    });
}

/** Each event (named by type, state or iteration, and occurrence) with the event it points at: order aside. */
function links(events: HistoryEvent[]): string[] {
    const seen = new Map<string, number>();
    const label = new Map<number, string>();
    for (const e of events) {
        const d: any =
            e.stateEnteredEventDetails ??
            e.stateExitedEventDetails ??
            e.mapIterationStartedEventDetails ??
            e.mapIterationSucceededEventDetails;
        const key = `${e.type} ${d?.name ?? ""}${d?.index !== undefined ? `[${d.index}]` : ""}`;
        const n = (seen.get(key) ?? 0) + 1;
        seen.set(key, n);
        label.set(e.id!, `${key} #${n}`);
    }
    return events.map(e => `${label.get(e.id!)} → ${label.get(e.previousEventId!) ?? e.previousEventId}`);
}

const failBranch = { StartAt: "Branch1", States: { Branch1: { Type: "Fail", Error: "FailureType", Cause: "c" } } };

describe("history previousEventId (Parallel and inline Map, as AWS records them)", () => {
    it("a failing Parallel: the failure follows the branch's event, the execution's end follows it", async () => {
        const events = await history({
            StartAt: "ParallelState",
            States: { ParallelState: { Type: "Parallel", End: true, Branches: [failBranch] } },
        });
        assert.deepStrictEqual(rows(events), [
            [1, 0, "ExecutionStarted"],
            [2, 0, "ParallelStateEntered", "ParallelState"],
            [3, 2, "ParallelStateStarted"],
            [4, 3, "FailStateEntered", "Branch1"],
            [5, 4, "ParallelStateFailed"],
            [6, 5, "ExecutionFailed"],
        ]);
    });

    it("a caught Parallel: ParallelStateExited follows ParallelStateFailed", async () => {
        const events = await history({
            StartAt: "ParallelState",
            States: {
                ParallelState: {
                    Type: "Parallel",
                    Branches: [failBranch],
                    Catch: [{ ErrorEquals: ["FailureType"], Next: "FinalCaught" }],
                    Next: "Final",
                },
                FinalCaught: { Type: "Pass", End: true },
                Final: { Type: "Pass", End: true },
            },
        });
        assert.deepStrictEqual(rows(events), [
            [1, 0, "ExecutionStarted"],
            [2, 0, "ParallelStateEntered", "ParallelState"],
            [3, 2, "ParallelStateStarted"],
            [4, 3, "FailStateEntered", "Branch1"],
            [5, 4, "ParallelStateFailed"],
            [6, 5, "ParallelStateExited", "ParallelState"],
            [7, 6, "PassStateEntered", "FinalCaught"],
            [8, 7, "PassStateExited", "FinalCaught"],
            [9, 8, "ExecutionSucceeded"],
        ]);
    });

    it("a retried Parallel: no ParallelStateFailed between attempts; each attempt follows the last failure", async () => {
        const events = await history({
            StartAt: "ParallelState",
            States: {
                ParallelState: {
                    Type: "Parallel",
                    Branches: [failBranch],
                    Retry: [{ ErrorEquals: ["FailureType"], MaxAttempts: 2 }],
                    Next: "Final",
                },
                Final: { Type: "Pass", End: true },
            },
        });
        assert.deepStrictEqual(rows(events), [
            [1, 0, "ExecutionStarted"],
            [2, 0, "ParallelStateEntered", "ParallelState"],
            [3, 2, "ParallelStateStarted"],
            [4, 3, "FailStateEntered", "Branch1"],
            [5, 4, "ParallelStateStarted"],
            [6, 5, "FailStateEntered", "Branch1"],
            [7, 6, "ParallelStateStarted"],
            [8, 7, "FailStateEntered", "Branch1"],
            [9, 8, "ParallelStateFailed"],
            [10, 9, "ExecutionFailed"],
        ]);
    });

    it("three branches: each branch chains from ParallelStateStarted; ParallelStateExited skips Succeeded", async () => {
        const pass = (next?: string) => (next ? { Type: "Pass", Next: next } : { Type: "Pass", End: true });
        const events = await history({
            StartAt: "LoadInput",
            States: {
                LoadInput: { Type: "Pass", Result: [1, 2, 3, 4], Next: "ParallelState" },
                ParallelState: {
                    Type: "Parallel",
                    End: true,
                    Branches: [
                        { StartAt: "Branch1", States: { Branch1: pass() } },
                        { StartAt: "Branch21", States: { Branch21: pass("Branch22"), Branch22: pass() } },
                        {
                            StartAt: "Branch31",
                            States: { Branch31: pass("Branch32"), Branch32: pass("Branch33"), Branch33: pass() },
                        },
                    ],
                },
            },
        });
        // AWS's recorded ids around the branches (the branches' own ids are masked in the snapshot:
        // their order varies): 4 Entered ← 3, 5 Started ← 4, 12 branch events, 19 Exited ← 17, 20 ← 19.
        const r = rows(events);
        assert.deepStrictEqual(r.slice(0, 5), [
            [1, 0, "ExecutionStarted"],
            [2, 0, "PassStateEntered", "LoadInput"],
            [3, 2, "PassStateExited", "LoadInput"],
            [4, 3, "ParallelStateEntered", "ParallelState"],
            [5, 4, "ParallelStateStarted"],
        ]);
        assert.deepStrictEqual(r.slice(-3), [
            [18, 17, "ParallelStateSucceeded"],
            [19, 17, "ParallelStateExited", "ParallelState"],
            [20, 19, "ExecutionSucceeded"],
        ]);
        const byName = new Map(
            events.filter(e => e.stateEnteredEventDetails).map(e => [e.stateEnteredEventDetails!.name, e]),
        );
        for (const first of ["Branch1", "Branch21", "Branch31"])
            assert.strictEqual(byName.get(first)!.previousEventId, 5);
        const exitOf = (name: string) => events.find(e => e.stateExitedEventDetails?.name === name)!;
        assert.strictEqual(byName.get("Branch22")!.previousEventId, exitOf("Branch21").id);
        assert.strictEqual(byName.get("Branch33")!.previousEventId, exitOf("Branch32").id);
    });

    it("an inline Map: each iteration follows the previous one's last state event; the Map's end follows the last iteration", async () => {
        const events = await history({
            StartAt: "StartState",
            States: {
                StartState: {
                    Type: "Pass",
                    Result: [1, "Hello", {}, null, 3.3, 3, 4, 5],
                    ResultPath: "$.arr",
                    Next: "MapState",
                },
                MapState: {
                    Type: "Map",
                    ResultPath: null,
                    InputPath: "$.arr",
                    MaxConcurrency: 1,
                    ItemProcessor: { StartAt: "HandleItem", States: { HandleItem: { Type: "Pass", End: true } } },
                    Next: "Final",
                },
                Final: { Type: "Pass", End: true },
            },
        });
        // AWS's history (snapshot test_map_state), ids as recorded.
        const aws: Row[] = [
            [1, 0, "ExecutionStarted"],
            [2, 0, "PassStateEntered", "StartState"],
            [3, 2, "PassStateExited", "StartState"],
            [4, 3, "MapStateEntered", "MapState"],
            [5, 4, "MapStateStarted"],
        ];
        let id = 6;
        let previous = 5;
        for (let i = 0; i < 8; i++) {
            aws.push([id, previous, "MapIterationStarted"], [id + 1, id, "PassStateEntered", "HandleItem"]);
            aws.push([id + 2, id + 1, "PassStateExited", "HandleItem"], [id + 3, id + 2, "MapIterationSucceeded"]);
            previous = id + 2;
            id += 4;
        }
        aws.push([38, 37, "MapStateSucceeded"], [39, 37, "MapStateExited", "MapState"]);
        aws.push(
            [40, 39, "PassStateEntered", "Final"],
            [41, 40, "PassStateExited", "Final"],
            [42, 41, "ExecutionSucceeded"],
        );
        // The interpreter reports an iteration's start a moment before the previous one's end: the
        // order may differ, what each event points at may not.
        const awsEvents = aws.map(([id, prev, type, name]) => {
            const index = type.startsWith("MapIteration") ? Math.floor((id - 6) / 4) : undefined;
            const details =
                type === "MapIterationStarted"
                    ? { mapIterationStartedEventDetails: { name: "MapState", index } }
                    : type === "MapIterationSucceeded"
                      ? { mapIterationSucceededEventDetails: { name: "MapState", index } }
                      : type.endsWith("Entered")
                        ? { stateEnteredEventDetails: { name } }
                        : type.endsWith("Exited")
                          ? { stateExitedEventDetails: { name } }
                          : {};
            return { id, previousEventId: prev, type, ...details } as HistoryEvent;
        });
        assert.deepStrictEqual([...links(events)].sort(), [...links(awsEvents)].sort());
    });

    it("a caught and a retried Map: MapStateFailed or the next attempt follow the failed iteration's state", async () => {
        const map = (extra: object) => ({
            StartAt: "StartState",
            States: {
                StartState: { Type: "Pass", Result: [1], ResultPath: "$.arr", Next: "MapState" },
                MapState: {
                    Type: "Map",
                    ResultPath: null,
                    InputPath: "$.arr",
                    MaxConcurrency: 1,
                    ItemProcessor: {
                        StartAt: "HandleItemFail",
                        States: { HandleItemFail: { Type: "Fail", Error: "HandleItemFailError", Cause: "c" } },
                    },
                    Next: "Final",
                    ...extra,
                },
                ...("Catch" in extra ? { FinalCaught: { Type: "Pass", End: true } } : {}),
                Final: { Type: "Pass", End: true },
            },
        });
        const caught = await history(map({ Catch: [{ ErrorEquals: ["HandleItemFailError"], Next: "FinalCaught" }] }));
        assert.deepStrictEqual(rows(caught), [
            [1, 0, "ExecutionStarted"],
            [2, 0, "PassStateEntered", "StartState"],
            [3, 2, "PassStateExited", "StartState"],
            [4, 3, "MapStateEntered", "MapState"],
            [5, 4, "MapStateStarted"],
            [6, 5, "MapIterationStarted"],
            [7, 6, "FailStateEntered", "HandleItemFail"],
            [8, 7, "MapIterationFailed"],
            [9, 7, "MapStateFailed"],
            [10, 9, "MapStateExited", "MapState"],
            [11, 10, "PassStateEntered", "FinalCaught"],
            [12, 11, "PassStateExited", "FinalCaught"],
            [13, 12, "ExecutionSucceeded"],
        ]);
        const retried = await history(map({ Retry: [{ ErrorEquals: ["HandleItemFailError"], MaxAttempts: 2 }] }));
        assert.deepStrictEqual(rows(retried), [
            [1, 0, "ExecutionStarted"],
            [2, 0, "PassStateEntered", "StartState"],
            [3, 2, "PassStateExited", "StartState"],
            [4, 3, "MapStateEntered", "MapState"],
            [5, 4, "MapStateStarted"],
            [6, 5, "MapIterationStarted"],
            [7, 6, "FailStateEntered", "HandleItemFail"],
            [8, 7, "MapIterationFailed"],
            [9, 7, "MapStateStarted"],
            [10, 9, "MapIterationStarted"],
            [11, 10, "FailStateEntered", "HandleItemFail"],
            [12, 11, "MapIterationFailed"],
            [13, 11, "MapStateStarted"],
            [14, 13, "MapIterationStarted"],
            [15, 14, "FailStateEntered", "HandleItemFail"],
            [16, 15, "MapIterationFailed"],
            [17, 15, "MapStateFailed"],
            [18, 17, "ExecutionFailed"],
        ]);
    });

    it("a stopped execution: ExecutionAborted points at 0 (snapshot test_sfn_api.py::test_stop_execution)", async () => {
        const engine = new LocalStepFunctions({ scheduler: new FakeScheduler(), invokeLambda: fakeLambda() });
        try {
            const { stateMachineArn } = engine.createStateMachine({
                name: "stop",
                definition: { StartAt: "State_1", States: { State_1: { Type: "Wait", Seconds: 60, End: true } } },
            });
            const { executionArn } = engine.startExecution({ stateMachineArn, input: "{}" });
            while (engine.getExecutionHistory(executionArn).events.length < 2) await new Promise(r => setTimeout(r, 5));
            engine.stopExecution(executionArn);
            await engine.waitForExecution(executionArn);
            assert.deepStrictEqual(rows(engine.getExecutionHistory(executionArn).events), [
                [1, 0, "ExecutionStarted"],
                [2, 0, "WaitStateEntered", "State_1"],
                [3, 0, "ExecutionAborted"],
            ]);
        } finally {
            await engine.close();
        }
    });
});
