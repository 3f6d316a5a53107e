import { strict as assert } from "assert";
import {
    DescribeExecutionCommand,
    DescribeStateMachineCommand,
    GetExecutionHistoryCommand,
    HistoryEvent,
    ListExecutionsCommand,
    ListStateMachinesCommand,
    SFNClient,
    StartExecutionCommand,
    StopExecutionCommand,
} from "@aws-sdk/client-sfn";
import { RunningServer, startAwsJsonServer } from "../../../local/shared/aws-json-server";
import { LocalStepFunctions } from "../../../local/sfn/engine";
import { ACCOUNT, delay, fakeLambda, FakeScheduler, productDefinition, REGION, types } from "./test-doubles";
import { createExecutionOperations } from "../../../local/sfn/execution-operations";
import { localClientConfig } from "../../helpers/local-client";

describe("local engine over the wire (AWS JSON 1.0, real SDK client)", function () {
    this.timeout(20_000);
    let server: RunningServer;
    let engine: LocalStepFunctions;
    let scheduler: FakeScheduler;
    let sfn: SFNClient;
    let stateMachineArn: string;
    /** Tasks the test holds open (their executions stay RUNNING) until it says so. */
    let hold: boolean;

    before(async () => {
        hold = false;
        scheduler = new FakeScheduler(task => {
            task.start("wire-worker");
            if (!hold) task.succeed({ result: "ecs done", echo: task.input.echo });
        });
        engine = new LocalStepFunctions({
            scheduler,
            invokeLambda: fakeLambda(),
            region: REGION,
            accountId: ACCOUNT,
            retryIntervalScale: 0.001,
        });
        ({ stateMachineArn } = engine.createStateMachine({
            name: "wire-sm",
            definition: productDefinition(),
            roleArn: `arn:aws:iam::${ACCOUNT}:role/sfn`,
        }));
        server = await startAwsJsonServer({
            protocol: "1.0",
            targetPrefix: "AWSStepFunctions",
            errorNamespace: "com.amazonaws.sfn",
            operations: createExecutionOperations(engine),
        });
        sfn = new SFNClient({ ...localClientConfig(server.url, REGION), maxAttempts: 1 });
    });

    after(async () => {
        sfn?.destroy();
        await engine?.close();
        await server?.close();
    });

    async function expectAwsError(promise: Promise<unknown>, name: string, message?: RegExp): Promise<void> {
        await assert.rejects(promise, (err: any) => {
            assert.equal(err.name, name, `expected ${name}, got ${err.name}: ${err.message}`);
            assert.equal(err.$metadata?.httpStatusCode, 400);
            if (message) assert.match(err.message, message);
            return true;
        });
    }

    async function waitDone(executionArn: string) {
        for (;;) {
            const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
            if (d.status !== "RUNNING") return d;
            await delay(5);
        }
    }

    /** A raw AWS JSON 1.0 request, for what the SDK would never send. */
    async function raw(operation: string, body: string): Promise<{ status: number; json: any }> {
        const res = await fetch(server.url, {
            method: "POST",
            headers: { "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": `AWSStepFunctions.${operation}` },
            body,
        });
        return { status: res.status, json: await res.json() };
    }

    it("starts, describes, lists and reads the history of an execution", async () => {
        const started = await sfn.send(
            new StartExecutionCommand({
                stateMachineArn,
                name: "wire-1",
                input: JSON.stringify({ echo: "over the wire" }),
            }),
        );
        assert.equal(started.executionArn, `arn:aws:states:${REGION}:${ACCOUNT}:execution:wire-sm:wire-1`);
        assert.ok(
            started.startDate instanceof Date && Math.abs(started.startDate.getTime() - Date.now()) < 5000,
            "startDate arrives as epoch seconds",
        );

        const d = await waitDone(started.executionArn!);
        assert.equal(d.status, "SUCCEEDED");
        assert.deepEqual(JSON.parse(d.output!), { result: "ecs done", echo: "over the wire" });
        assert.equal(d.input, '{"echo":"over the wire"}');
        assert.equal(d.stateMachineArn, stateMachineArn);
        assert.ok(d.stopDate instanceof Date && d.stopDate >= d.startDate!);
        assert.equal(d.name, "wire-1");

        const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
        const events = history.events as HistoryEvent[];
        assert.equal(events[0].type, "ExecutionStarted");
        assert.equal(events[events.length - 1].type, "ExecutionSucceeded");
        assert.ok(types(events).includes("ActivityStarted"));
        assert.equal(
            events.find(e => e.type === "ActivityStarted")!.activityStartedEventDetails!.workerName,
            "wire-worker",
        );
        for (const e of events) assert.ok(e.timestamp instanceof Date && !Number.isNaN(e.timestamp.getTime()));
        assert.deepEqual(
            events.map(e => e.id),
            events.map((_, i) => i + 1),
        );
        assert.equal(events[0].executionStartedEventDetails!.roleArn, `arn:aws:iam::${ACCOUNT}:role/sfn`);

        // Paging through the SDK.
        const page = await sfn.send(
            new GetExecutionHistoryCommand({ executionArn: started.executionArn, maxResults: 4, reverseOrder: true }),
        );
        assert.deepEqual(
            page.events!.map(e => e.id),
            [events.length, events.length - 1, events.length - 2, events.length - 3],
        );
        assert.ok(page.nextToken);
        const next = await sfn.send(
            new GetExecutionHistoryCommand({
                executionArn: started.executionArn,
                maxResults: 4,
                reverseOrder: true,
                nextToken: page.nextToken,
            }),
        );
        assert.equal(next.events![0].id, events.length - 4);

        const list = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
        const item = list.executions!.find(e => e.executionArn === started.executionArn)!;
        assert.equal(item.status, "SUCCEEDED");
        assert.ok(item.startDate instanceof Date && item.stopDate instanceof Date);

        const machines = await sfn.send(new ListStateMachinesCommand({}));
        assert.deepEqual(
            machines.stateMachines!.map(m => [m.name, m.type]),
            [["wire-sm", "STANDARD"]],
        );
        assert.ok(machines.stateMachines![0].creationDate instanceof Date);
        const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
        assert.deepEqual(JSON.parse(described.definition!), productDefinition());
        assert.equal(described.status, "ACTIVE");
        assert.equal(described.roleArn, `arn:aws:iam::${ACCOUNT}:role/sfn`);
    });

    it("stops a running execution (ABORTED) and cancels its activity task", async () => {
        hold = true;
        try {
            const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, name: "to-stop" }));
            while (!scheduler.tasks.some(t => t.spec.executionArn === executionArn)) await delay(2);
            const task = scheduler.tasks.find(t => t.spec.executionArn === executionArn)!;
            const stopped = await sfn.send(
                new StopExecutionCommand({ executionArn, error: "Operator.Stop", cause: "enough" }),
            );
            assert.ok(stopped.stopDate instanceof Date);
            const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
            assert.deepEqual([d.status, d.error, d.cause], ["ABORTED", "Operator.Stop", "enough"]);
            assert.equal(task.result?.kind, "cancelled");
            await engine.waitForExecution(executionArn!);
            const history = await sfn.send(
                new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }),
            );
            assert.equal(history.events![0].type, "ExecutionAborted");
            assert.deepEqual(history.events![0].executionAbortedEventDetails, {
                error: "Operator.Stop",
                cause: "enough",
            });
        } finally {
            hold = false;
        }
    });

    it("answers bad requests with AWS-shaped errors and changes nothing", async () => {
        hold = true;
        try {
            const { executionArn: running } = await sfn.send(
                new StartExecutionCommand({ stateMachineArn, name: "keep-running", input: '{"a":1}' }),
            );
            const before = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }));
            const unknownSm = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:nope`;
            const unknownExec = `arn:aws:states:${REGION}:${ACCOUNT}:execution:wire-sm:nope`;

            await expectAwsError(
                sfn.send(new StartExecutionCommand({ stateMachineArn: unknownSm })),
                "StateMachineDoesNotExist",
            );
            await expectAwsError(
                sfn.send(
                    new StartExecutionCommand({ stateMachineArn: "arn:aws:states:us-east-1:000000000000:activity:x" }),
                ),
                "InvalidArn",
            );
            await expectAwsError(sfn.send(new StartExecutionCommand({ stateMachineArn: "not an arn" })), "InvalidArn");
            await expectAwsError(
                sfn.send(new StartExecutionCommand({ stateMachineArn, input: "{not json" })),
                "InvalidExecutionInput",
            );
            await expectAwsError(
                sfn.send(
                    new StartExecutionCommand({ stateMachineArn, input: JSON.stringify({ s: "x".repeat(262_144) }) }),
                ),
                "InvalidExecutionInput",
                /262144/,
            );
            await expectAwsError(
                sfn.send(new StartExecutionCommand({ stateMachineArn, name: "has space" })),
                "InvalidName",
            );
            await expectAwsError(
                sfn.send(new StartExecutionCommand({ stateMachineArn, name: "keep-running", input: '{"a":2}' })),
                "ExecutionAlreadyExists",
            );
            await expectAwsError(
                sfn.send(new StartExecutionCommand({ stateMachineArn, name: "wire-1" })),
                "ExecutionAlreadyExists",
            );
            // Same name and input while running: the original answer.
            const same = await sfn.send(
                new StartExecutionCommand({ stateMachineArn, name: "keep-running", input: '{"a":1}' }),
            );
            assert.equal(same.executionArn, running);

            await expectAwsError(
                sfn.send(new DescribeExecutionCommand({ executionArn: unknownExec })),
                "ExecutionDoesNotExist",
            );
            await expectAwsError(
                sfn.send(new DescribeExecutionCommand({ executionArn: stateMachineArn })),
                "InvalidArn",
            );
            await expectAwsError(
                sfn.send(new GetExecutionHistoryCommand({ executionArn: unknownExec })),
                "ExecutionDoesNotExist",
            );
            await expectAwsError(
                sfn.send(new GetExecutionHistoryCommand({ executionArn: running, nextToken: "bogus" })),
                "InvalidToken",
            );
            await expectAwsError(
                sfn.send(new GetExecutionHistoryCommand({ executionArn: running, maxResults: 5000 })),
                "ValidationException",
            );
            await expectAwsError(
                sfn.send(new StopExecutionCommand({ executionArn: unknownExec })),
                "ExecutionDoesNotExist",
            );
            await expectAwsError(
                sfn.send(new StopExecutionCommand({ executionArn: running, error: "e".repeat(257) })),
                "ValidationException",
            );
            await expectAwsError(
                sfn.send(new StopExecutionCommand({ executionArn: running, cause: "c".repeat(32_769) })),
                "ValidationException",
            );
            await expectAwsError(
                sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: "NOPE" as any })),
                "ValidationException",
            );
            await expectAwsError(sfn.send(new ListExecutionsCommand({})), "ValidationException", /StateMachine ARN/);
            await expectAwsError(
                sfn.send(new ListExecutionsCommand({ stateMachineArn: unknownSm })),
                "StateMachineDoesNotExist",
            );
            await expectAwsError(sfn.send(new ListStateMachinesCommand({ nextToken: "bogus" })), "InvalidToken");
            await expectAwsError(
                sfn.send(new DescribeStateMachineCommand({ stateMachineArn: unknownSm })),
                "StateMachineDoesNotExist",
            );

            // What the SDK would not send: missing members, wrong JSON types, broken JSON.
            const missing = await raw("StartExecution", "{}");
            assert.equal(missing.status, 400);
            assert.equal(missing.json.__type, "com.amazonaws.sfn#ValidationException");
            assert.match(missing.json.message, /stateMachineArn/);
            const wrongType = await raw("StartExecution", JSON.stringify({ stateMachineArn, input: { a: 1 } }));
            assert.equal(wrongType.json.__type, "com.amazonaws.sfn#SerializationException");
            const broken = await raw("StopExecution", "{");
            assert.equal(broken.json.__type, "com.amazonaws.sfn#SerializationException");

            const after = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 1000 }));
            assert.deepEqual(after.executions, before.executions, "no refused request started or changed an execution");
            assert.equal((await sfn.send(new DescribeExecutionCommand({ executionArn: running }))).status, "RUNNING");
        } finally {
            hold = false;
        }
    });
});
