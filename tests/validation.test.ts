// Bad input fails at program time with a message that says what is valid.
import * as assert from "assert";
import { FARGATE_MEMORY_BY_CPU, validateFargateSize } from "../components/fargate-sizes";
import { scopedName, validateActivityName } from "../components/names";
import { readStackSettings } from "../components/stack-settings";
import { subnetCidr } from "../components/network";
import { loadProjectConfig } from "../local/program/stack-config";
import { PROJECT_DIR } from "./helpers/dev-stack";

describe("Fargate sizes", () => {
    it("accepts every size of the table and nothing between", () => {
        for (const [cpu, memories] of Object.entries(FARGATE_MEMORY_BY_CPU))
            for (const m of memories) validateFargateSize(Number(cpu), m);
        assert.strictEqual(FARGATE_MEMORY_BY_CPU[4096].length, 23);
        assert.deepStrictEqual(FARGATE_MEMORY_BY_CPU[8192].slice(0, 2), [16384, 20480]);
        assert.strictEqual(FARGATE_MEMORY_BY_CPU[16384].at(-1), 122880);
    });

    it("lists the valid memory values for the given cpu", () => {
        assert.throws(
            () => validateFargateSize(256, 4096),
            /memory 4096 MiB does not fit cpu 256 on Fargate; valid memory for cpu 256: 512, 1024, 2048/,
        );
        assert.throws(
            () => validateFargateSize(1024, 1024),
            /valid memory for cpu 1024: 2048 to 8192 in steps of 1024/,
        );
        assert.throws(
            () => validateFargateSize(300, 512),
            /cpu 300 is not a Fargate size; valid cpu values: 256, 512, 1024, 2048, 4096, 8192, 16384/,
        );
    });
});

describe("activity names", () => {
    it("accepts 1 to 80 allowed characters", () => {
        validateActivityName("a");
        validateActivityName("fargate-activity-dev_ecs.v2");
        validateActivityName("x".repeat(80));
    });

    for (const bad of ["", "x".repeat(81), "has space", "a/b", "a:b", "a*b", "tab\there", "a\u0001b", "a$b", 'a"b']) {
        it(`refuses ${JSON.stringify(bad.length > 20 ? bad.slice(0, 10) + "…" : bad)}`, () => {
            assert.throws(() => validateActivityName(bad), /activity name/);
        });
    }

    it("scopes default names by project, stack and component, shortened with a hash", () => {
        assert.strictEqual(scopedName(["proj", "dev", "ecs"], 80), "proj-dev-ecs");
        assert.notStrictEqual(scopedName(["proj", "dev", "ecs"], 80), scopedName(["proj", "prod", "ecs"], 80));
        const long = scopedName(["p".repeat(60), "stack", "x".repeat(40)], 80);
        assert.strictEqual(long.length, 80);
        assert.notStrictEqual(long, scopedName(["p".repeat(60), "stack2", "x".repeat(40)], 80));
        validateActivityName(long);
    });
});

describe("stack settings", () => {
    const from = (values: Record<string, string>) => (key: string) => values[key];

    it("gives the documented defaults", () => {
        assert.deepStrictEqual(readStackSettings(from({})), {
            cpu: 256,
            memory: 512,
            architecture: "X86_64",
            capacity: "FARGATE",
            taskTimeoutSeconds: 3600,
            heartbeatSeconds: 60,
            stateMachineTimeoutSeconds: undefined,
            logRetentionDays: 30,
            logLevel: "ERROR",
            includeExecutionData: false,
            jobDurationMs: 10000,
            waitForRunning: false,
            alarms: true,
            alarmTopicArn: undefined,
        });
        assert.strictEqual(readStackSettings(from({ waitForRunning: "true" })).waitForRunning, true);
    });

    it("names the key and the valid values on bad config", () => {
        assert.throws(
            () => readStackSettings(from({ architecture: "arm" })),
            /config architecture: must be one of X86_64, ARM64; got "arm"/,
        );
        assert.throws(
            () => readStackSettings(from({ capacity: "SPOT" })),
            /config capacity: must be one of FARGATE, FARGATE_SPOT/,
        );
        assert.throws(
            () => readStackSettings(from({ cpu: "1.5" })),
            /config cpu: must be a whole number from 256 to 16384; got "1.5"/,
        );
        assert.throws(
            () => readStackSettings(from({ logLevel: "DEBUG" })),
            /config logLevel: must be one of ALL, ERROR, FATAL, OFF/,
        );
        assert.throws(
            () => readStackSettings(from({ includeExecutionData: "yes" })),
            /config includeExecutionData: must be true or false/,
        );
        assert.throws(
            () => readStackSettings(from({ logRetentionDays: "10" })),
            /config logRetentionDays: must be one of 1, 3, 5, 7, 14, 30/,
        );
        assert.throws(
            () => readStackSettings(from({ alarmTopicArn: "my-topic" })),
            /config alarmTopicArn: must be an SNS topic ARN/,
        );
        assert.strictEqual(
            readStackSettings(from({ alarmTopicArn: "arn:aws:sns:us-east-1:123456789012:ops" })).alarmTopicArn,
            "arn:aws:sns:us-east-1:123456789012:ops",
        );
    });

    it("matches the defaults Pulumi.yaml declares", () => {
        const { config } = loadProjectConfig(PROJECT_DIR, null);
        const declared = readStackSettings(key => config[`fargate-activity:${key}`]);
        assert.deepStrictEqual(
            declared,
            readStackSettings(() => undefined),
        );
    });

    it("reads the dev stack on top of the Pulumi.yaml defaults", () => {
        const { config } = loadProjectConfig(PROJECT_DIR, "dev");
        assert.strictEqual(config["aws:region"], "us-east-1");
        assert.strictEqual(readStackSettings(key => config[`fargate-activity:${key}`]).logLevel, "ALL");
    });
});

describe("default network ranges", () => {
    it("cuts /20 subnets out of a /16", () => {
        assert.deepStrictEqual(
            [0, 1].map(i => subnetCidr("10.0.0.0/16", i)),
            ["10.0.0.0/20", "10.0.16.0/20"],
        );
        assert.throws(() => subnetCidr("10.0.0.0/24", 0), /needs a \/16/);
    });
});

describe("step timing", () => {
    const { stepTiming } = require("../components/step-timing") as typeof import("../components/step-timing");

    it("gives the trigger the wait for RUNNING plus a minute, and its state 15 s more", () => {
        assert.deepStrictEqual(stepTiming("s", { waitForRunning: true }), {
            timeoutSeconds: 3600,
            heartbeatSeconds: 60,
            waitForRunningSeconds: 300,
            triggerLambdaTimeoutSeconds: 360,
            triggerTimeoutSeconds: 375,
        });
        assert.strictEqual(stepTiming("s", { waitForRunningSeconds: 120 }).waitForRunningSeconds, 120);
        assert.strictEqual(
            stepTiming("s", { waitForRunning: false, waitForRunningSeconds: 120 }).waitForRunningSeconds,
            0,
        );
    });

    it("returns right after RunTask by default (no wait for RUNNING)", () => {
        assert.deepStrictEqual(stepTiming("s", {}), {
            timeoutSeconds: 3600,
            heartbeatSeconds: 60,
            waitForRunningSeconds: 0,
            triggerLambdaTimeoutSeconds: 60,
            triggerTimeoutSeconds: 75,
        });
        assert.deepStrictEqual(stepTiming("s", { waitForRunning: false }), {
            timeoutSeconds: 3600,
            heartbeatSeconds: 60,
            waitForRunningSeconds: 0,
            triggerLambdaTimeoutSeconds: 60,
            triggerTimeoutSeconds: 75,
        });
    });

    it("refuses a wait a Lambda cannot hold and a trigger timeout too short for the wait", () => {
        assert.throws(
            () => stepTiming("s", { waitForRunningSeconds: 900 }),
            /waitForRunningSeconds must be a whole number from 1 to 840/,
        );
        assert.throws(
            () => stepTiming("s", { waitForRunningSeconds: 300, triggerTimeoutSeconds: 310 }),
            /must leave 30 s beyond waitForRunningSeconds \(300\)/,
        );
        assert.throws(
            () => stepTiming("s", { timeoutSeconds: 60, heartbeatSeconds: 60 }),
            /heartbeatSeconds \(60\) must be below timeoutSeconds \(60\)/,
        );
    });
});
