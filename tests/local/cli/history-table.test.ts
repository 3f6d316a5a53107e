// The live history table of npm start.
import * as assert from "assert";
import { eventDetail, formatRow, HistoryTable } from "../../../local/cli/history-table";

describe("history table", () => {
    const at = (ms: number) => new Date(Date.UTC(2026, 10, 28, 5, 0, 0, ms));

    it("gives each event its state (nested in Parallel) and a short detail", () => {
        const table = new HistoryTable();
        const rows = [
            { id: 1, type: "ExecutionStarted", timestamp: at(0), executionStartedEventDetails: { input: "{}" } },
            { id: 2, type: "ParallelStateEntered", timestamp: at(1), stateEnteredEventDetails: { name: "run-ecs" } },
            { id: 3, type: "TaskStateEntered", timestamp: at(2), stateEnteredEventDetails: { name: "execute-ecs" } },
            { id: 4, type: "ActivityStarted", timestamp: at(50), activityStartedEventDetails: { workerName: "abc" } },
            {
                id: 5,
                type: "ActivityFailed",
                timestamp: at(1500),
                activityFailedEventDetails: { error: "Worker.Interrupted", cause: "SIGTERM" },
            },
            { id: 6, type: "TaskStateExited", timestamp: at(1501), stateExitedEventDetails: { name: "execute-ecs" } },
            { id: 7, type: "ParallelStateFailed", timestamp: at(1502) },
        ].map(e => table.row(e as any));
        assert.deepStrictEqual(
            rows.map(r => r.state),
            ["", "run-ecs", "execute-ecs", "execute-ecs", "execute-ecs", "execute-ecs", "run-ecs"],
        );
        assert.deepStrictEqual(
            rows.map(r => r.elapsed),
            ["0.000s", "0.001s", "0.002s", "0.050s", "1.500s", "1.501s", "1.502s"],
        );
        assert.strictEqual(rows[3].detail, "worker abc");
        assert.strictEqual(rows[4].detail, "Worker.Interrupted: SIGTERM");
        assert.match(
            formatRow(rows[4]),
            /^\s+5\s+1\.500s\s+ActivityFailed\s+execute-ecs\s+Worker\.Interrupted: SIGTERM$/,
        );
    });

    it("cuts long details to one readable line", () => {
        const detail = eventDetail({
            id: 1,
            type: "ActivitySucceeded",
            timestamp: at(0),
            activitySucceededEventDetails: { output: JSON.stringify({ x: "y".repeat(500) }) },
        } as any);
        assert.strictEqual(detail.length, 80);
        assert.ok(detail.endsWith("…"));
    });
});
