// The local runtime's pure parts: event patterns, the history table, CLI arguments, docker run.
import * as assert from "assert";
import { dockerRunArgs } from "../local/docker-launcher";
import { matchesEventPattern } from "../local/runtime/event-pattern";
import { eventDetail, formatRow, HistoryTable } from "../local/runtime/history-table";
import { parseStartArgs, UsageError } from "../local/start-cli";

describe("EventBridge patterns (local)", () => {
    const pattern = {
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
            lastStatus: ["STOPPED"],
            taskDefinitionArn: [{ prefix: "arn:aws:ecs:us-east-1:0:task-definition/fam:" }],
        },
    };
    const event = (lastStatus: string, td = "arn:aws:ecs:us-east-1:0:task-definition/fam:3") => ({
        source: "aws.ecs",
        "detail-type": "ECS Task State Change",
        detail: { lastStatus, taskDefinitionArn: td },
    });

    it("matches exact values and prefixes, nested", () => {
        assert.strictEqual(matchesEventPattern(pattern, event("STOPPED")), true);
        assert.strictEqual(matchesEventPattern(pattern, event("RUNNING")), false);
        assert.strictEqual(
            matchesEventPattern(pattern, event("STOPPED", "arn:aws:ecs:us-east-1:0:task-definition/family-two:1")),
            false,
        );
        assert.strictEqual(
            matchesEventPattern({ resources: ["b"] }, { resources: ["a", "b"] }),
            true,
            "any element of an array",
        );
    });

    it("refuses operators it does not implement rather than guessing", () => {
        assert.throws(
            () => matchesEventPattern({ detail: { n: [{ numeric: [">", 1] }] } }, { detail: { n: 2 } }),
            /not supported locally/,
        );
    });
});

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

describe("npm start arguments", () => {
    it("defaults to the dev stack of this project with {} as input", () => {
        const o = parseStartArgs([]);
        assert.strictEqual(o.stack, "dev");
        assert.strictEqual(o.input, "{}");
        assert.strictEqual(o.port, 0);
        assert.strictEqual(o.json, false);
    });

    it("says what is wrong with bad usage", () => {
        assert.throws(
            () => parseStartArgs(["--input", "{"]),
            (e: Error) => e instanceof UsageError && /--input is not valid JSON/.test(e.message),
        );
        assert.throws(() => parseStartArgs(["--port", "70000"]), /--port must be a whole number from 0 to 65534/);
        assert.throws(() => parseStartArgs(["--serve", "--json"]), /do not go together/);
        assert.throws(() => parseStartArgs(["extra"]), UsageError);
        assert.throws(() => parseStartArgs(["--input", "[1]"]), /--input must be a JSON object/);
        assert.throws(() => parseStartArgs(["--frobnicate"]), /Unknown option '--frobnicate'/);
    });
});

describe("--docker command line (the path itself is untested: no Docker engine here)", () => {
    it("runs the local image with the task's environment on the host network, removed after", () => {
        const args = dockerRunArgs({
            taskId: "abc",
            environment: { PATH: "/usr/bin", ACTIVITY_ARN: "arn:x", AWS_ENDPOINT_URL_SFN: "http://127.0.0.1:5000" },
        });
        assert.deepStrictEqual(args, [
            "run",
            "--rm",
            "--init",
            "--network",
            "host",
            "--name",
            "local-task-abc",
            "--env",
            "ACTIVITY_ARN=arn:x",
            "--env",
            "AWS_ENDPOINT_URL_SFN=http://127.0.0.1:5000",
            "fargate-activity-worker:local",
        ]);
    });
});

describe("CLI standard output guard", () => {
    it("sends everything but the CLI's own result to standard error", () => {
        const { spawnSync } = require("child_process") as typeof import("child_process");
        const script = `const { holdStdout } = require(${JSON.stringify(require.resolve("../local/cli-stdout"))});
const out = holdStdout(); console.log("a program's own print"); process.stdout.write("a library's write\\n"); out.exit(0, "RESULT\\n");`;
        const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
            encoding: "utf8",
            cwd: require("path").resolve(__dirname, ".."),
        });
        assert.strictEqual(run.status, 0, run.stderr);
        assert.strictEqual(run.stdout, "RESULT\n");
        assert.match(run.stderr, /a program's own print\na library's write/);
    });
});
