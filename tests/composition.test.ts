// What a consumer composes beyond one step: Maps over steps, secrets for the job, throttling.
import * as assert from "assert";
import { Chain, checkDefinition, Fail, Parallel, renderDefinition, Succeed } from "../components/asl";
import { executionRolePolicy, secretResources } from "../components/iam-policies";
import { DEFAULT_STEP_MAP_CONCURRENCY, stepMap } from "../components/step-map";
import { StepBlock } from "../components/step-block";
import { isThrottling, triggerTask } from "../functions/trigger";
import { thirdPartyAslErrors } from "./helpers/asl-validators";

const step = (name: string) =>
    new StepBlock({
        name,
        triggerFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
        activityArn: `arn:aws:states:us-east-1:000000000000:activity:${name}`,
        timeoutSeconds: 600,
        heartbeatSeconds: 60,
    });

describe("composing steps", () => {
    it("runs a step per item of a list, wrapping scalars into objects, at a concurrency within RunTask's limits", async () => {
        const failed = new Fail("failed", { errorPath: "$.Error", causePath: "$.Cause" });
        const def = renderDefinition(
            Chain.start(step("extract").addCatch(failed))
                .next(
                    stepMap(
                        "load-each",
                        { itemsPath: "$.files", itemKey: "file", resultPath: "$.loaded" },
                        step("load"),
                    ).addCatch(failed),
                )
                .next(new Succeed("done")),
        );
        const map = def.States["load-each"] as any;
        assert.strictEqual(map.MaxConcurrency, DEFAULT_STEP_MAP_CONCURRENCY);
        assert.deepStrictEqual(map.ItemSelector, { "file.$": "$$.Map.Item.Value" });
        assert.deepStrictEqual(Object.keys(map.ItemProcessor.States), ["run-load"]);
        assert.ok(map.ItemProcessor.States["run-load"].Retry[0].ErrorEquals.includes("Trigger.Throttled"));
        assert.deepStrictEqual(checkDefinition(def), []);
        assert.deepStrictEqual(await thirdPartyAslErrors(def), []);
    });

    it("puts two steps side by side in Parallel branches, with the consumer's own Retry and Catch", async () => {
        const failed = new Fail("failed", { errorPath: "$.Error", causePath: "$.Cause" });
        const both = new Parallel("both", { resultPath: "$.both" })
            .branch(step("left"), Chain.start(step("right-1")).next(step("right-2")))
            .addRetry({ errors: ["States.Timeout"], maxAttempts: 1 })
            .addCatch(failed);
        const def = renderDefinition(Chain.start(both).next(new Succeed("done")));
        const branches = (def.States.both as any).Branches.map((b: any) => Object.keys(b.States));
        assert.deepStrictEqual(branches, [["run-left"], ["run-right-1", "run-right-2"]]);
        assert.deepStrictEqual(checkDefinition(def), []);
        assert.deepStrictEqual(await thirdPartyAslErrors(def), []);
    });

    it("refuses a Map with both itemKey and itemSelector, or a bad concurrency", () => {
        assert.throws(
            () => stepMap("m", { itemsPath: "$.x", itemKey: "a", itemSelector: {} }, step("s")),
            /itemKey or itemSelector, not both/,
        );
        assert.throws(
            () => stepMap("m", { itemsPath: "$.x", maxConcurrency: -1 }, step("s")),
            /maxConcurrency must be a whole number/,
        );
    });

    it("names a step's states by stateName so one step can appear twice", () => {
        const s = {
            name: "x",
            triggerFunctionArn: "arn:aws:lambda:us-east-1:000000000000:function:x",
            activityArn: "arn:aws:states:us-east-1:000000000000:activity:x",
            timeoutSeconds: 60,
            heartbeatSeconds: 10,
        };
        const def = renderDefinition(
            Chain.start(new StepBlock({ ...s, stateName: "x-first" })).next(
                new StepBlock({ ...s, stateName: "x-again" }),
            ),
        );
        assert.deepStrictEqual(Object.keys(def.States), ["run-x-first", "run-x-again"]);
    });
});

describe("secrets for the job", () => {
    it("lets the execution role read exactly the given secrets and parameters", () => {
        const doc = executionRolePolicy({
            logGroupArn: "arn:aws:logs:us-east-1:1:log-group:g:*",
            secretValueFroms: [
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf:password::",
                "arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf",
                "arn:aws:ssm:us-east-1:111122223333:parameter/etl/bucket",
            ],
        });
        assert.deepStrictEqual(
            doc.Statement.slice(1).map(s => [s.Action, s.Resource]),
            [
                [["secretsmanager:GetSecretValue"], ["arn:aws:secretsmanager:us-east-1:111122223333:secret:db-AbCdEf"]],
                [["ssm:GetParameters"], ["arn:aws:ssm:us-east-1:111122223333:parameter/etl/bucket"]],
            ],
        );
    });

    it("refuses anything that is not a secret or parameter ARN", () => {
        assert.throws(() => secretResources(["my-password"]), /must be the ARN of a Secrets Manager secret/);
        assert.throws(() => secretResources(["arn:aws:s3:::bucket/key"]), /must be the ARN/);
    });
});

describe("trigger under ECS throttling", () => {
    it("reports a throttled RunTask as Trigger.Throttled, which the block retries", async () => {
        const throttled = Object.assign(new Error("Rate exceeded"), {
            name: "ThrottlingException",
            $metadata: { httpStatusCode: 400 },
        });
        const ecs = {
            runTask: async () => {
                throw throttled;
            },
        };
        const config = {
            cluster: "c",
            taskDefinition: "t",
            subnets: ["s"],
            securityGroups: [],
            assignPublicIp: true,
            capacity: "FARGATE" as const,
            platformVersion: "1.4.0",
            waitForRunningSeconds: 0,
        };
        await assert.rejects(
            triggerTask(ecs, config, { executionArn: "e" }),
            (e: Error) => e.name === "Trigger.Throttled" && /Rate exceeded/.test(e.message),
        );
        assert.ok(isThrottling({ $metadata: { httpStatusCode: 429 } }));
        assert.ok(!isThrottling(new Error("AccessDeniedException")));
        await assert.rejects(
            triggerTask(
                {
                    runTask: async () => {
                        throw Object.assign(new Error("denied"), { name: "AccessDeniedException" });
                    },
                },
                config,
                { executionArn: "e" },
            ),
            (e: Error) => e.name === "AccessDeniedException",
        );
    });
});
