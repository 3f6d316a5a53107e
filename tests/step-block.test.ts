// The step's block: its shape, and how data flows through it when an ASL interpreter runs it.
import * as assert from "assert";
import { Chain, checkDefinition, Fail, renderDefinition, Succeed } from "../components/asl";
import { deriveStateMachineTimeout } from "../components/stack-settings";
import { RETRYABLE_STEP_ERRORS, StepBlock, StepBlockProps, validateStepTimes } from "../components/step-block";
import { thirdPartyAslErrors } from "./helpers/asl-validators";

const FN = "arn:aws:lambda:us-east-1:000000000000:function:ecs-trigger";
const ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:dev-ecs";
const CONTEXT = { Execution: { Id: "arn:aws:states:us-east-1:000000000000:execution:sm:run-1", Name: "run-1" } };
const base: StepBlockProps = {
    name: "ecs",
    triggerFunctionArn: FN,
    activityArn: ACTIVITY,
    timeoutSeconds: 3600,
    heartbeatSeconds: 60,
};

function programLike(block: StepBlock) {
    return renderDefinition(
        block.addCatch(new Fail("failed", { errorPath: "$.Error", causePath: "$.Cause" })).next(new Succeed("done")),
        { timeoutSeconds: 5000 },
    );
}

// aws-local-stepfunctions needs Promise.withResolvers (Node 22+).
function polyfill() {
    const P = Promise as any;
    P.withResolvers ??= () => {
        let resolve: any, reject: any;
        const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)));
        return { promise, resolve, reject };
    };
}

/** Runs a definition with the two Task states answered by local functions; returns output and what the worker saw. */
async function run(definition: object, input: object, worker: (input: any) => any) {
    polyfill();
    const { StateMachine } = require("aws-local-stepfunctions");
    const seen: any[] = [];
    const machine = new StateMachine(JSON.parse(JSON.stringify(definition)), {
        validationOptions: { checkArn: true, checkPaths: true },
    });
    const execution = machine.run(input, {
        overrides: {
            taskResourceLocalHandlers: {
                "trigger-ecs": async (event: any) => ({
                    executionArn: event.executionArn,
                    taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/abc",
                }),
                "execute-ecs": async (taskInput: any) => {
                    seen.push(taskInput);
                    return worker(taskInput);
                },
            },
        },
        context: CONTEXT,
    });
    return { output: await execution.result, seen };
}

describe("the step block", () => {
    it("names its states after the step, as the seed does: trigger-ecs, execute-ecs", () => {
        const def = programLike(new StepBlock(base));
        const branch = (def.States["run-ecs"].Branches as any[])[0];
        assert.deepStrictEqual(Object.keys(branch.States), ["trigger-ecs", "execute-ecs"]);
        assert.strictEqual(
            branch.States["trigger-ecs"].Resource,
            FN,
            "the function ARN itself, so history shows LambdaFunction* events",
        );
        assert.strictEqual(branch.States["trigger-ecs"].ResultPath, "$._execution");
        assert.deepStrictEqual(branch.States["trigger-ecs"].Parameters, {
            "executionArn.$": "$$.Execution.Id",
            "executionName.$": "$$.Execution.Name",
        });
        assert.strictEqual(branch.States["execute-ecs"].Resource, ACTIVITY);
        assert.strictEqual(branch.States["execute-ecs"].TimeoutSeconds, 3600);
        assert.strictEqual(branch.States["execute-ecs"].HeartbeatSeconds, 60);
        assert.deepStrictEqual(def.States["run-ecs"].Retry, [
            {
                ErrorEquals: [...RETRYABLE_STEP_ERRORS],
                IntervalSeconds: 10,
                MaxAttempts: 3,
                BackoffRate: 2,
                MaxDelaySeconds: 300,
                JitterStrategy: "FULL",
            },
        ]);
    });

    it("retries what AWS says to retry of Lambda, a trigger whose runtime died or timed out, and ECS unavailable", () => {
        for (const error of [
            "Lambda.ServiceException",
            "Lambda.AWSLambdaException",
            "Lambda.SdkClientException",
            "Lambda.ClientExecutionTimeoutException",
            "Lambda.Unknown",
            "Trigger.Throttled",
            "Trigger.EcsUnavailable",
        ])
            assert.ok((RETRYABLE_STEP_ERRORS as readonly string[]).includes(error), error);
        for (const error of ["AccessDeniedException", "ClusterNotFoundException", "Trigger.RunTaskFailed"])
            assert.ok(!(RETRYABLE_STEP_ERRORS as readonly string[]).includes(error), error);
    });

    for (const [label, options] of [
        ["defaults", {}],
        ["a ResultPath", { resultPath: "$.result" }],
        ["ResultPath null", { resultPath: null }],
        ["Parameters", { parameters: { "job.$": "$.job", fixed: 1 } }],
    ] as const) {
        it(`is accepted by asl-validator, the AWS language service and our checks (${label})`, async () => {
            const def = programLike(new StepBlock({ ...base, ...options }));
            assert.deepStrictEqual(checkDefinition(def), []);
            assert.deepStrictEqual(await thirdPartyAslErrors(def), []);
        });
    }

    it("gives the worker the execution's input plus _execution, and makes the worker's output the execution's", async () => {
        const { output, seen } = await run(programLike(new StepBlock(base)), { echo: "hi", n: 1 }, () => ({
            result: "ecs done",
        }));
        assert.deepStrictEqual(seen, [
            {
                echo: "hi",
                n: 1,
                _execution: {
                    executionArn: "arn:aws:states:us-east-1:000000000000:execution:sm:run-1",
                    taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/abc",
                },
            },
        ]);
        assert.deepStrictEqual(output, { result: "ecs done" });
    });

    it("applies a ResultPath inside the block: the input stays, the output lands at the path, _execution does not leak", async () => {
        const { output } = await run(
            programLike(new StepBlock({ ...base, resultPath: "$.result" })),
            { echo: "hi" },
            () => ({ result: "ecs done" }),
        );
        assert.deepStrictEqual(output, { echo: "hi", result: { result: "ecs done" } });
    });

    it("applies Parameters to what the worker sees, and ResultPath null keeps the input", async () => {
        const { output, seen } = await run(
            programLike(new StepBlock({ ...base, parameters: { "job.$": "$.job" }, resultPath: null })),
            { job: { size: 3 }, other: true },
            () => ({ ignored: 1 }),
        );
        assert.deepStrictEqual(seen[0].job, { size: 3 });
        assert.strictEqual(seen[0].other, undefined);
        assert.ok(seen[0]._execution.taskArn);
        assert.deepStrictEqual(output, { job: { size: 3 }, other: true });
    });

    it("retries the whole block on Worker.Interrupted (a fresh trigger each time), and a job's own error goes to the Fail state intact", async () => {
        polyfill();
        const { StateMachine } = require("aws-local-stepfunctions");
        const def = programLike(new StepBlock({ ...base, retry: { intervalSeconds: 1, maxAttempts: 2 } }));
        let triggers = 0;
        let attempts = 0;
        const machine = new StateMachine(JSON.parse(JSON.stringify(def)));
        const interrupted = machine.run(
            {},
            {
                overrides: {
                    taskResourceLocalHandlers: {
                        "trigger-ecs": async () => ({ executionArn: "e", taskArn: `t${++triggers}` }),
                        "execute-ecs": async () => {
                            if (++attempts === 1)
                                throw Object.assign(new Error("stopped"), { name: "Worker.Interrupted" });
                            return { result: "ecs done" };
                        },
                    },
                    retryIntervalOverrides: { "run-ecs": 0 },
                },
                context: CONTEXT,
            },
        );
        assert.deepStrictEqual(await interrupted.result, { result: "ecs done" });
        assert.strictEqual(triggers, 2);

        triggers = 1;
        const failing = new StateMachine(JSON.parse(JSON.stringify(def))).run(
            {},
            {
                overrides: {
                    taskResourceLocalHandlers: {
                        "trigger-ecs": async () => ({ executionArn: "e", taskArn: `t${++triggers}` }),
                        "execute-ecs": async () => {
                            throw Object.assign(new Error("the job broke"), { name: "Job.Broken" });
                        },
                    },
                },
                context: CONTEXT,
            },
        );
        // The Fail state's ErrorPath/CausePath keep the job's error name and message.
        await assert.rejects(
            failing.result,
            (err: any) => err.cause?.name === "Job.Broken" && err.cause?.message === "the job broke",
        );
        assert.strictEqual(triggers, 2, "no retry on the job's own error");
    });

    it("refuses a heartbeat at or above the timeout and a ResultPath that is not a path", () => {
        assert.throws(
            () => new StepBlock({ ...base, heartbeatSeconds: 3600 }),
            /heartbeatSeconds \(3600\) must be below timeoutSeconds \(3600\)/,
        );
        assert.throws(() => validateStepTimes(0, 1), /timeoutSeconds must be a whole number/);
        assert.throws(() => new StepBlock({ ...base, resultPath: "result" }), /resultPath must be a JSONPath/);
    });

    it("lets two steps share one definition without name clashes", () => {
        const a = new StepBlock({ ...base, name: "extract" });
        const b = new StepBlock({ ...base, name: "transform" });
        const def = renderDefinition(Chain.start(a).next(b));
        assert.deepStrictEqual(Object.keys(def.States), ["run-extract", "run-transform"]);
        assert.deepStrictEqual(checkDefinition(def), []);
    });

    it("derives a state machine timeout that covers every attempt and the retry waits", () => {
        // 4 attempts × (60 + 300 + 3600) + (10 + 20 + 40) + 60
        assert.strictEqual(
            deriveStateMachineTimeout({ triggerTimeoutSeconds: 60, timeoutSeconds: 3600 }),
            4 * 3960 + 70 + 60,
        );
        assert.strictEqual(
            deriveStateMachineTimeout({ triggerTimeoutSeconds: 60, timeoutSeconds: 100, retry: false }),
            60 + 300 + 100 + 60,
        );
        // With the wait for RUNNING inside the trigger's time, a minute of worker start-up is left.
        assert.strictEqual(
            deriveStateMachineTimeout({ triggerTimeoutSeconds: 375, waitForRunningSeconds: 300, timeoutSeconds: 3600 }),
            4 * (375 + 60 + 3600) + 70 + 60,
        );
    });
});
