// The cost forecast, computed by hand for a known run: a first attempt whose container never
// started (billed the one-minute minimum), a retry whose task ran 95.3 s (rounded up to 96 s), two
// trigger and two healer invocations, the healer's claim writes, logs and a public IP per task.
import * as assert from "assert";
import { billedSeconds, forecastCost, PRICES } from "../../../local/forecast/cost";
import { costJson, formatCostTable } from "../../../local/forecast/cost-table";
import { countTransitions, RunUsage } from "../../../local/forecast/run-usage";
import { DEV_STACK_RETRIED_HISTORY } from "../../helpers/dev-stack-history";

/** The history of the dev stack's execution whose first RunTask found no capacity (recorded locally). */
const RETRIED_HISTORY = DEV_STACK_RETRIED_HISTORY.map(type => ({ type }));

const TASK = {
    vcpu: 0.25,
    memoryGb: 0.5,
    architecture: "X86_64" as const,
    spot: false,
    publicIp: true,
    secondsSource: "test",
};

function knownRun(overrides: Partial<RunUsage> = {}): RunUsage {
    return {
        transitions: countTransitions(RETRIED_HISTORY),
        tasks: [
            { ...TASK, taskArn: "arn:task/never-started", seconds: 40 },
            { ...TASK, taskArn: "arn:task/ran", seconds: 95.3 },
        ],
        lambdas: [
            { functionName: "trigger", memoryGb: 0.125, architecture: "x86_64", durationsMs: [1200, 300.2] },
            { functionName: "healer", memoryGb: 0.125, architecture: "x86_64", durationsMs: [250, 250] },
        ],
        logBytes: 20_000,
        dynamoDb: { writeUnits: 3, readUnits: 0 },
        ...overrides,
    };
}

const close = (actual: number, expected: number, what: string) =>
    assert.ok(Math.abs(actual - expected) < 1e-12, `${what}: ${actual} ≠ ${expected}`);

describe("cost forecast", () => {
    it("uses the prices this test computes with (change both together)", () => {
        assert.strictEqual(PRICES.fargate.X86_64.vcpuHourUsd, 0.04048);
        assert.strictEqual(PRICES.fargate.X86_64.gbHourUsd, 0.004445);
        assert.strictEqual(PRICES.fargate.billing.minimumSeconds, 60);
        assert.strictEqual(PRICES.stepFunctions.transitionUsd, 0.000025);
        assert.strictEqual(PRICES.lambda.x86_64.gbSecondUsd, 0.0000166667);
        assert.strictEqual(PRICES.lambda.requestUsd, 0.0000002);
        assert.strictEqual(PRICES.publicIpv4.hourUsd, 0.005);
        assert.strictEqual(PRICES.cloudWatchLogs.ingestedGbUsd, 0.5);
        assert.strictEqual(PRICES.dynamoDb.writeRequestUnitUsd, 0.000000625);
    });

    it("counts each state entered and each retry as a transition", () => {
        // run-ecs, trigger-ecs, trigger-ecs again, execute-ecs, done; and the Parallel's retry.
        assert.deepStrictEqual(countTransitions(RETRIED_HISTORY), {
            statesEntered: 5,
            retries: 1,
            hasParallelOrMap: true,
        });
        const taskRetry = [
            "TaskStateEntered",
            "ActivityScheduled",
            "ActivityFailed",
            "ActivityScheduled",
            "TaskStateExited",
        ];
        assert.strictEqual(countTransitions(taskRetry.map(type => ({ type }))).retries, 1);
    });

    it("bills Fargate per second, rounded up, with the one-minute minimum", () => {
        assert.strictEqual(billedSeconds(40), 60);
        assert.strictEqual(billedSeconds(60), 60);
        assert.strictEqual(billedSeconds(95.3), 96);
    });

    it("prices a known run with a retried attempt, item by item", () => {
        const report = forecastCost(knownRun());
        const usd = (item: string) => report.items.find(i => i.item === item)!.usd;
        // 0.25 vCPU × (60 s minimum + 96 s) = 39 vCPU-s at $0.04048 per vCPU-hour.
        close(usd("Fargate vCPU (X86_64, FARGATE)"), (39 * 0.04048) / 3600, "vCPU");
        // 0.5 GB × 156 s = 78 GB-s at $0.004445 per GB-hour.
        close(usd("Fargate memory (X86_64, FARGATE)"), (78 * 0.004445) / 3600, "memory");
        close(usd("Step Functions state transitions"), 6 * 0.000025, "transitions");
        // 1.2 s + 0.301 s (rounded up to the millisecond) at 0.125 GB.
        close(usd("Lambda trigger duration"), 1.501 * 0.125 * 0.0000166667, "trigger duration");
        close(usd("Lambda trigger requests"), 2 * 0.0000002, "trigger requests");
        close(usd("Lambda healer duration"), 0.5 * 0.125 * 0.0000166667, "healer duration");
        // Each task holds its address while it lives: 40 s + 95.3 s.
        close(usd("Public IPv4"), (135.3 / 3600) * 0.005, "IPv4");
        close(usd("CloudWatch Logs ingestion"), (20_000 / 1e9) * 0.5, "logs");
        close(usd("DynamoDB requests (the healer's claims)"), 3 * 0.000000625, "DynamoDB");
        const total =
            (39 * 0.04048) / 3600 +
            (78 * 0.004445) / 3600 +
            6 * 0.000025 +
            (1.501 + 0.5) * 0.125 * 0.0000166667 +
            4 * 0.0000002 +
            (135.3 / 3600) * 0.005 +
            (20_000 / 1e9) * 0.5 +
            3 * 0.000000625;
        close(report.totalUsd, total, "total");
    });

    it("applies ARM64's prices and the assumed Spot discount", () => {
        const arm = forecastCost(knownRun({ tasks: [{ ...TASK, architecture: "ARM64", taskArn: "t", seconds: 30 }] }));
        close(
            arm.items.find(i => i.item === "Fargate vCPU (ARM64, FARGATE)")!.usd,
            (15 * 0.03238) / 3600,
            "ARM64 vCPU",
        );
        const spot = forecastCost(knownRun({ tasks: [{ ...TASK, spot: true, taskArn: "t", seconds: 30 }] }));
        const item = spot.items.find(i => i.item === "Fargate vCPU (X86_64, FARGATE_SPOT)")!;
        close(item.usd, ((15 * 0.04048) / 3600) * (1 - PRICES.fargate.spotDiscount.fraction), "Spot vCPU");
        assert.match(item.estimate!, /Spot at 69 % off/);
    });

    it("labels estimates, and --json's cost object has every item and the total", () => {
        const report = forecastCost(knownRun());
        const json = costJson(report);
        assert.strictEqual(json.items.length, report.items.length);
        assert.strictEqual(json.totalUsd, report.totalUsd);
        assert.match(json.items[0].estimate!, /60 s minimum \(the minimum is from third-party pages\)/);
        assert.match(json.items.find(i => i.item.startsWith("Step"))!.estimate!, /Parallel/);
        const table = formatCostTable(report);
        assert.match(table, /^\s+total\s+\$0\.000\d+$/m);
        assert.match(table, /per 1,000 such executions/);
    });
});
