// What a long-running local Step Functions endpoint keeps: a bounded number of closed executions
// (AWS forgets them 90 days after they close), closed activity tasks and recorded requests.
import * as assert from "assert";
import { LocalStepFunctions, RETAINED_CLOSED_EXECUTIONS } from "../../../local/sfn/engine";
import { ActivityStore } from "../../../local/sfn/activity-store";
import { AwsServiceError } from "../../../local/shared/aws-json-server";
import { RECORDED_REQUESTS, RequestRecorder } from "../../../local/sfn/request-recorder";
import { FakeScheduler, fakeLambda } from "./test-doubles";

const PASS = { StartAt: "p", States: { p: { Type: "Pass", End: true } } };

describe("local Step Functions: what a long session keeps", () => {
    it("keeps the newest closed executions up to the limit and forgets the oldest", async () => {
        assert.strictEqual(RETAINED_CLOSED_EXECUTIONS, 1000, "the README states this number");
        const engine = new LocalStepFunctions({
            scheduler: new FakeScheduler(),
            invokeLambda: fakeLambda(),
            retainClosedExecutions: 3,
        });
        try {
            const { stateMachineArn } = engine.createStateMachine({ name: "keep", definition: PASS });
            const arns: string[] = [];
            for (let i = 0; i < 5; i++) {
                const { executionArn } = engine.startExecution({ stateMachineArn, name: `run-${i}` });
                await engine.waitForExecution(executionArn);
                arns.push(executionArn);
            }
            await new Promise(r => setImmediate(r));
            assert.deepStrictEqual(
                engine.listExecutions({ stateMachineArn }).executions.map(e => e.name),
                ["run-4", "run-3", "run-2"],
            );
            assert.throws(() => engine.describeExecution(arns[0]), /ExecutionDoesNotExist|Does Not Exist/);
            assert.strictEqual(engine.describeExecution(arns[4]).status, "SUCCEEDED");
            // A forgotten name can be used again, as after AWS's 90 days.
            const again = engine.startExecution({ stateMachineArn, name: "run-0" });
            assert.strictEqual((await engine.waitForExecution(again.executionArn)).status, "SUCCEEDED");
        } finally {
            await engine.close();
        }
    });

    it("keeps running executions whatever the limit", async () => {
        const engine = new LocalStepFunctions({
            scheduler: new FakeScheduler(() => undefined), // tasks never finish
            invokeLambda: fakeLambda(),
            retainClosedExecutions: 0,
        });
        try {
            const activity = "arn:aws:states:us-east-1:000000000000:activity:a";
            const { stateMachineArn } = engine.createStateMachine({
                name: "hold",
                definition: { StartAt: "t", States: { t: { Type: "Task", Resource: activity, End: true } } },
            });
            const held = engine.startExecution({ stateMachineArn }).executionArn;
            const quick = engine.createStateMachine({ name: "quick", definition: PASS }).stateMachineArn;
            await engine.waitForExecution(engine.startExecution({ stateMachineArn: quick }).executionArn);
            assert.strictEqual(engine.describeExecution(held).status, "RUNNING");
        } finally {
            await engine.close();
        }
    });

    it("the activity store forgets the oldest closed tasks beyond its limit", () => {
        const store = new ActivityStore({ retainClosedTasks: 2 });
        try {
            const activityArn = store.createActivity("a").activityArn;
            const tokens = [0, 1, 2].map(i => {
                const task = store.schedule({ activityArn, input: "{}", executionArn: `e${i}` });
                task.outcome.catch(() => undefined);
                task.cancel("done");
                return task.taskToken;
            });
            const code = (token: string) => {
                try {
                    store.sendTaskSuccess(token, "{}");
                    return "ok";
                } catch (err) {
                    return (err as AwsServiceError).code;
                }
            };
            assert.deepStrictEqual(tokens.map(code), ["TaskDoesNotExist", "TaskTimedOut", "TaskTimedOut"]);
        } finally {
            store.close();
        }
    });

    it("the request log keeps the latest requests and still counts every one", async () => {
        assert.strictEqual(RECORDED_REQUESTS, 5000);
        const recorder = new RequestRecorder(10);
        const ops = recorder.wrap({ Ping: () => ({}) });
        const ctx = { signal: new AbortController().signal } as any;
        for (let i = 0; i < 25; i++) await ops.Ping({ i }, ctx);
        assert.ok(recorder.requests.length >= 10 && recorder.requests.length <= 11, `${recorder.requests.length}`);
        assert.strictEqual(recorder.requests.at(-1)!.seq, 25);
        assert.deepStrictEqual((await recorder.waitForRequest("Ping", { count: 25 })).body, { i: 24 });
        await assert.rejects(recorder.waitForRequest("Ping", { count: 1 }), /no longer recorded/);
        const next = recorder.waitForRequest("Ping", { count: 26 });
        await ops.Ping({ i: 25 }, ctx);
        assert.deepStrictEqual((await next).body, { i: 25 });
    });
});
