// A FargateActivityStep's arguments are checked by one pure function before any resource exists:
// here it runs on its own, without Pulumi mocks.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { FargateActivityCluster } from "../components/fargate-activity-cluster";
import { FargateActivityStepArgs } from "../components/fargate-activity-step-args";
import { validateFargateActivityStepArgs } from "../components/fargate-activity-step-validation";

const validate = (args: FargateActivityStepArgs) => validateFargateActivityStepArgs("s", args);
const SSM = "arn:aws:ssm:us-east-1:000000000000:parameter/p";

describe("FargateActivityStep argument validation (before any resource)", () => {
    it("accepts the defaults and returns the step's clocks", () => {
        assert.deepStrictEqual(validate({}), {
            timeoutSeconds: 3600,
            heartbeatSeconds: 60,
            waitForRunningSeconds: 0,
            triggerLambdaTimeoutSeconds: 60,
            triggerTimeoutSeconds: 75,
        });
    });

    it("accepts a full set of good arguments", () => {
        validate({
            activityName: "my-activity",
            cpu: 1024,
            memory: 2048,
            architecture: "ARM64",
            capacity: "FARGATE_SPOT",
            logRetentionDays: 7,
            jobDurationMs: 0,
            subnetIds: ["subnet-1"],
            securityGroupIds: ["sg-1"],
            assignPublicIp: false,
            environment: { MODE: "full" },
            secrets: { DB_PASSWORD: "arn:aws:secretsmanager:us-east-1:000000000000:secret:db-AbCdEf:password::" },
            scheduleTimeAlarm: { thresholdSeconds: 31_536_000 },
        });
    });

    it("refuses bad timing, placement, size and settings with the component's messages", () => {
        const cases: Array<[FargateActivityStepArgs, RegExp]> = [
            [
                { heartbeatSeconds: 600, timeoutSeconds: 300 },
                /heartbeatSeconds \(600\) must be below timeoutSeconds \(300\)/,
            ],
            [{ waitForRunningSeconds: 900 }, /waitForRunningSeconds must be a whole number from 1 to 840/],
            [
                { subnetIds: ["subnet-1"] },
                /^Error: FargateActivityStep "s": with your own subnetIds, set assignPublicIp explicitly/,
            ],
            [
                { securityGroupIds: ["sg-1"] },
                /^Error: FargateActivityStep "s": securityGroupIds need subnetIds in the same VPC$/,
            ],
            [
                { memory: 4096 },
                /^Error: memory 4096 MiB does not fit cpu 256 on Fargate; valid memory for cpu 256: 512, 1024, 2048/,
            ],
            [{ cpu: 300 }, /^Error: cpu 300 is not a Fargate size/],
            [{ architecture: "arm" as never }, /^Error: architecture must be one of X86_64, ARM64; got "arm"$/],
            [{ capacity: "SPOT" as never }, /^Error: capacity must be one of FARGATE, FARGATE_SPOT; got "SPOT"$/],
            [{ logRetentionDays: 10 }, /^Error: logRetentionDays must be one of 1, 3, 5, 7, 14, 30, .*, 3653; got 10$/],
            [{ logRetentionDays: NaN }, /; got NaN$/],
            [{ jobDurationMs: 1.5 }, /^Error: jobDurationMs must be a whole number from 0 to 86400000; got 1.5$/],
            [{ activityName: "has space" }, /^Error: activity name "has space" contains " "/],
            [
                { subnetIds: [], assignPublicIp: true },
                /^Error: FargateActivityStep "s": subnetIds is empty; give at least one subnet \(two zones or more spread capacity shortages\)$/,
            ],
        ];
        for (const [args, message] of cases) assert.throws(() => validate(args), message, JSON.stringify(args));
    });

    it("refuses a bad secret: its variable name, its ARN, a clash with the environment", () => {
        assert.throws(
            () => validate({ secrets: { "1BAD": SSM } }),
            /^Error: FargateActivityStep "s": secret variable name "1BAD" is not a valid environment variable name$/,
        );
        assert.throws(
            () => validate({ secrets: { TOKEN: "plain-text" } }),
            /^Error: secret "plain-text" must be the ARN of a Secrets Manager secret/,
        );
        assert.throws(
            () => validate({ environment: { X: "1" }, secrets: { X: SSM } }),
            /^Error: FargateActivityStep "s": X is both an environment variable and a secret$/,
        );
    });

    it("refuses a schedule-time alarm threshold out of range, the default included in the check", () => {
        validate({ scheduleTimeAlarm: {} });
        for (const thresholdSeconds of [0, 1.5, 31_536_001])
            assert.throws(
                () => validate({ scheduleTimeAlarm: { thresholdSeconds } }),
                new RegExp(
                    `^Error: scheduleTimeAlarm.thresholdSeconds must be a whole number from 1 to 31536000; got ${thresholdSeconds}$`,
                ),
            );
    });

    it("refuses a step given a cluster and also its own network or ECS cluster, naming what to move", () => {
        // The check reads only whether a cluster is given: no component is needed.
        const cluster = {} as FargateActivityCluster;
        for (const [own, named] of [
            [{ subnetIds: ["subnet-1"], assignPublicIp: true }, "subnetIds, assignPublicIp"],
            [{ securityGroupIds: ["sg-1"] }, "securityGroupIds"],
            [{ assignPublicIp: false }, "assignPublicIp"],
            [{ clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/c" }, "clusterArn"],
        ] as Array<[FargateActivityStepArgs, string]>) {
            assert.throws(
                () => validate({ cluster, ...own }),
                new RegExp(
                    `^Error: FargateActivityStep "s": it runs in the given cluster, whose network and ECS cluster it uses; give ${named} to the FargateActivityCluster instead$`,
                ),
            );
        }
        validate({ cluster, worker: "worker/main.ts" });
    });

    it("reports problems in the order the component always has: placement before secrets before the alarm", () => {
        assert.throws(
            () => validate({ subnetIds: [], assignPublicIp: true, secrets: { "1": SSM } }),
            /subnetIds is empty/,
        );
        assert.throws(
            () => validate({ secrets: { "1": SSM }, scheduleTimeAlarm: { thresholdSeconds: 0 } }),
            /secret variable name "1"/,
        );
    });

    it("leaves values that are outputs or promises to be checked when they resolve", () => {
        validate({
            cpu: pulumi.output(3),
            architecture: pulumi.output("arm" as never),
            capacity: Promise.resolve("SPOT" as never),
            logRetentionDays: pulumi.output(10),
            jobDurationMs: pulumi.output(-1),
            activityName: pulumi.output("has space"),
            subnetIds: pulumi.output([]),
            assignPublicIp: true,
            secrets: { TOKEN: pulumi.output("plain-text") },
        });
    });
});
