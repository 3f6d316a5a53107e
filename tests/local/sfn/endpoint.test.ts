// The local Step Functions endpoint, driven by the real @aws-sdk/client-sfn and by raw HTTP.
import { strict as assert } from "assert";
import * as http from "http";
import {
    CreateActivityCommand,
    DescribeActivityCommand,
    GetActivityTaskCommand,
    ListActivitiesCommand,
    SendTaskFailureCommand,
    SendTaskHeartbeatCommand,
    SendTaskSuccessCommand,
    SFNClient,
    StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ActivityStore } from "../../../local/sfn/activity-store";
import { StepFunctionsEndpoint, startStepFunctionsEndpoint } from "../../../local/sfn/endpoint";

function rawCall(url: string, target: string, body: string): Promise<{ status: number; json: any }> {
    return new Promise((resolve, reject) => {
        const req = http.request(
            url,
            { method: "POST", headers: { "content-type": "application/x-amz-json-1.0", "x-amz-target": target } },
            res => {
                let text = "";
                res.setEncoding("utf8").on("data", d => (text += d));
                res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
            },
        );
        req.on("error", reject);
        req.end(body);
    });
}

describe("local Step Functions endpoint", function () {
    this.timeout(10_000);
    let store: ActivityStore;
    let ep: StepFunctionsEndpoint;
    let client: SFNClient;

    beforeEach(async () => {
        store = new ActivityStore({ maxPollSeconds: 1 });
        ep = await startStepFunctionsEndpoint({
            store,
            extraOperations: {
                StartExecution: body => ({
                    executionArn: `arn:aws:states:us-east-1:000000000000:execution:sm:${body.name}`,
                    startDate: 1_800_000_000,
                }),
            },
        });
        client = new SFNClient({
            region: "us-east-1",
            endpoint: ep.url,
            credentials: { accessKeyId: "t", secretAccessKey: "t" },
            maxAttempts: 1,
        });
    });
    afterEach(async () => {
        client.destroy();
        await ep.close();
        store.close();
    });

    it("serves CreateActivity, DescribeActivity and ListActivities through the SDK", async () => {
        const created = await client.send(new CreateActivityCommand({ name: "alpha" }));
        assert.equal(created.activityArn, "arn:aws:states:us-east-1:000000000000:activity:alpha");
        assert.ok(created.creationDate instanceof Date);
        await client.send(new CreateActivityCommand({ name: "beta" }));
        const described = await client.send(new DescribeActivityCommand({ activityArn: created.activityArn }));
        assert.equal(described.name, "alpha");
        assert.equal(described.creationDate!.getTime(), created.creationDate!.getTime());
        const page1 = await client.send(new ListActivitiesCommand({ maxResults: 1 }));
        assert.deepEqual(
            page1.activities!.map(a => a.name),
            ["alpha"],
        );
        const page2 = await client.send(new ListActivitiesCommand({ maxResults: 1, nextToken: page1.nextToken }));
        assert.deepEqual(
            page2.activities!.map(a => a.name),
            ["beta"],
        );
        assert.equal(page2.nextToken, undefined);
        await assert.rejects(
            client.send(new CreateActivityCommand({ name: "no spaces" })),
            (e: Error) => e.name === "InvalidName",
        );
        await assert.rejects(
            client.send(
                new DescribeActivityCommand({ activityArn: "arn:aws:states:us-east-1:000000000000:activity:gamma" }),
            ),
            (e: Error) => e.name === "ActivityDoesNotExist",
        );
    });

    it("a worker's round trip: poll, heartbeat, success; the engine sees the outcome and the worker name", async () => {
        const arn = store.createActivity("jobs").activityArn;
        const task = store.schedule({ activityArn: arn, input: '{"x":1}' });
        const got = await client.send(new GetActivityTaskCommand({ activityArn: arn, workerName: "sdk-worker" }));
        assert.equal(got.taskToken, task.taskToken);
        assert.equal(got.input, '{"x":1}');
        await client.send(new SendTaskHeartbeatCommand({ taskToken: got.taskToken! }));
        await client.send(new SendTaskSuccessCommand({ taskToken: got.taskToken!, output: '{"y":2}' }));
        assert.deepEqual(await task.outcome, { kind: "succeeded", output: '{"y":2}' });
        assert.equal(store.task(task.taskToken)!.workerName, "sdk-worker");
        assert.equal(store.task(task.taskToken)!.heartbeats, 1);
        await assert.rejects(
            client.send(new SendTaskFailureCommand({ taskToken: got.taskToken!, error: "E" })),
            (e: Error) => e.name === "TaskTimedOut",
        );
        const empty = await client.send(new GetActivityTaskCommand({ activityArn: arn }));
        assert.equal(empty.taskToken, undefined);
    });

    it("answers errors in AWS's shape, and a failed request changes nothing", async () => {
        const arn = store.createActivity("jobs").activityArn;
        const task = store.schedule({ activityArn: arn, input: "{}" });
        await client.send(new GetActivityTaskCommand({ activityArn: arn }));
        const tooBig = await rawCall(
            ep.url,
            "AWSStepFunctions.SendTaskSuccess",
            JSON.stringify({ taskToken: task.taskToken, output: JSON.stringify("x".repeat(262_144)) }),
        );
        assert.equal(tooBig.status, 400);
        assert.equal(tooBig.json.__type, "com.amazonaws.sfn#InvalidOutput");
        assert.equal(typeof tooBig.json.message, "string");
        assert.equal(store.task(task.taskToken)!.status, "started");
        const bad = await rawCall(
            ep.url,
            "AWSStepFunctions.SendTaskHeartbeat",
            JSON.stringify({ taskToken: "nonsense" }),
        );
        assert.deepEqual([bad.status, bad.json.__type], [400, "com.amazonaws.sfn#InvalidToken"]);
        const unknownOp = await rawCall(ep.url, "AWSStepFunctions.Frobnicate", "{}");
        assert.equal(unknownOp.json.__type, "com.amazonaws.sfn#UnknownOperationException");
        const malformed = await rawCall(ep.url, "AWSStepFunctions.SendTaskSuccess", "{oops");
        assert.equal(malformed.json.__type, "com.amazonaws.sfn#SerializationException");
        await assert.rejects(
            client.send(new SendTaskFailureCommand({ taskToken: task.taskToken, error: "E".repeat(257) })),
            (e: Error) => e.name === "ValidationException",
        );
        await assert.rejects(
            client.send(new SendTaskSuccessCommand({ taskToken: "AAAA" + "z".repeat(128), output: "{}" })),
            (e: Error) => e.name === "TaskDoesNotExist",
        );
        assert.equal(store.task(task.taskToken)!.status, "started");
    });

    it("fault injection: the next N calls of an operation fail without reaching the store; the request log shows them", async () => {
        const arn = store.createActivity("jobs").activityArn;
        const task = store.schedule({ activityArn: arn, input: "{}" });
        const { taskToken } = await client.send(new GetActivityTaskCommand({ activityArn: arn }));
        ep.injectFault({ operation: "SendTaskSuccess", times: 2, status: 500 });
        ep.injectFault({ operation: "SendTaskHeartbeat", status: 429 });
        for (let i = 0; i < 2; i++) {
            await assert.rejects(
                client.send(new SendTaskSuccessCommand({ taskToken, output: "{}" })),
                (e: any) => e.name === "InternalFailure" && e.$metadata.httpStatusCode === 500,
            );
            assert.equal(store.task(task.taskToken)!.status, "started");
        }
        await assert.rejects(
            client.send(new SendTaskHeartbeatCommand({ taskToken })),
            (e: Error) => e.name === "ThrottlingException",
        );
        await client.send(new SendTaskSuccessCommand({ taskToken, output: "{}" }));
        assert.equal((await task.outcome).kind, "succeeded");
        const log = ep.requestsFor("SendTaskSuccess");
        assert.deepEqual(
            log.map(r => [r.status, r.errorCode ?? null, !!r.injected]),
            [
                [500, "InternalFailure", true],
                [500, "InternalFailure", true],
                [200, null, false],
            ],
        );
        assert.ok(log.every(r => r.body.taskToken === taskToken && r.finishedAt! >= r.time));
        assert.deepEqual(
            ep.requests.map(r => r.seq),
            ep.requests.map((_, i) => i + 1),
        );
    });

    it("a poll whose HTTP client disconnects does not swallow the next task", async () => {
        store.close();
        store = new ActivityStore({ maxPollSeconds: 10 });
        await ep.close();
        ep = await startStepFunctionsEndpoint({ store });
        client.destroy();
        client = new SFNClient({
            region: "us-east-1",
            endpoint: ep.url,
            credentials: { accessKeyId: "t", secretAccessKey: "t" },
            maxAttempts: 1,
        });
        const arn = store.createActivity("jobs").activityArn;
        const req = http.request(ep.url, {
            method: "POST",
            headers: {
                "content-type": "application/x-amz-json-1.0",
                "x-amz-target": "AWSStepFunctions.GetActivityTask",
            },
        });
        req.on("error", () => undefined);
        req.end(JSON.stringify({ activityArn: arn, workerName: "leaver" }));
        await ep.waitForRequest("GetActivityTask");
        assert.equal(store.waitingPollers(arn), 1);
        req.destroy();
        const deadline = Date.now() + 2000;
        while (store.waitingPollers(arn) > 0 && Date.now() < deadline) await new Promise(r => setTimeout(r, 10));
        assert.equal(store.waitingPollers(arn), 0, "the abandoned poll left the queue of pollers");
        const task = store.schedule({ activityArn: arn, input: "{}" });
        assert.equal(store.queuedTasks(arn), 1);
        const got = await client.send(new GetActivityTaskCommand({ activityArn: arn, workerName: "stayer" }));
        assert.equal(got.taskToken, task.taskToken);
        assert.equal(store.task(task.taskToken)!.workerName, "stayer");
        const first = ep.requestsFor("GetActivityTask")[0];
        assert.equal(first.clientGone, true);
        assert.deepEqual(first.response, {});
    });

    it("serves extra operations beside the activity ones", async () => {
        const out = await client.send(
            new StartExecutionCommand({
                stateMachineArn: "arn:aws:states:us-east-1:000000000000:stateMachine:sm",
                name: "run-7",
            }),
        );
        assert.equal(out.executionArn, "arn:aws:states:us-east-1:000000000000:execution:sm:run-7");
        assert.ok(out.startDate instanceof Date);
        assert.equal(ep.requestsFor("StartExecution").length, 1);
    });

    it("waitForRequest resolves for past and future requests and times out otherwise", async () => {
        const arn = store.createActivity("jobs").activityArn;
        const later = ep.waitForRequest("DescribeActivity", { count: 2 });
        await client.send(new DescribeActivityCommand({ activityArn: arn }));
        await client.send(new DescribeActivityCommand({ activityArn: arn }));
        assert.equal((await later).seq, 2);
        assert.equal((await ep.waitForRequest("DescribeActivity")).seq, 1);
        await assert.rejects(ep.waitForRequest("SendTaskSuccess", { timeoutMs: 50 }), /timed out after 50 ms/);
    });
});
