// The trigger's serialized code works where Lambda runs it: only __index.js in the archive, loaded
// from an empty folder where nothing but @aws-sdk/client-ecs resolves, calling a stub ECS endpoint.
import * as assert from "assert";
import { startAwsJsonServer, RunningServer } from "../local/shared/aws-json-server";
import { DynamoDbEndpoint, startDynamoDbEndpoint } from "../local/dynamodb/endpoint";
import { devStack } from "./helpers/dev-stack";
import { archiveFiles, invokeInFolder, lambdaFolder } from "./helpers/lambda-code";

describe("the trigger Lambda's archive", function () {
    this.timeout(60_000);
    let indexJs: string;
    let env: Record<string, string>;
    let ecs: RunningServer;
    let folder: { dir: string; remove(): void };
    const requests: any[] = [];
    let answer: object = {};
    let described: object = {};

    before(async () => {
        const stack = await devStack();
        const fn = stack.one("aws:lambda/function:Function", "ecs-trigger");
        const files = await archiveFiles(fn);
        assert.deepStrictEqual(
            Object.keys(files),
            ["__index.js"],
            "no node_modules, nothing but the serialized closure",
        );
        indexJs = files["__index.js"];
        env = fn.inputs.environment.variables;
        ecs = await startAwsJsonServer({
            protocol: "1.1",
            targetPrefix: "AmazonEC2ContainerServiceV20141113",
            operations: {
                RunTask: body => (requests.push({ op: "RunTask", ...body }), answer),
                DescribeTasks: body => (requests.push({ op: "DescribeTasks", ...body }), described),
            },
        });
        folder = lambdaFolder(indexJs, ["@aws-sdk/client-ecs"]);
    });

    after(async () => {
        folder?.remove();
        await ecs?.close();
    });

    const lambdaEnv = () => ({
        ...env,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "local",
        AWS_SECRET_ACCESS_KEY: "local",
        AWS_ENDPOINT_URL_ECS: ecs.url,
    });
    const event = {
        executionArn: "arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1",
        executionName: "run-1",
    };

    it('is self-contained but for require("@aws-sdk/client-ecs")', () => {
        const requires = [...indexJs.matchAll(/require\(([^)]*)\)/g)].map(m => m[1]);
        assert.deepStrictEqual([...new Set(requires)], ['"@aws-sdk/client-ecs"']);
        assert.ok(!/node_modules|\/work\/|@pulumi/.test(indexJs), "no absolute paths or Pulumi code in the closure");
    });

    it("calls RunTask with the stack's cluster, task definition and network, and returns the task ARN", async () => {
        requests.length = 0;
        answer = { tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef" }], failures: [] };
        described = {
            tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef", lastStatus: "RUNNING" }],
            failures: [],
        };
        const out = await invokeInFolder(folder.dir, event, lambdaEnv());
        assert.ok(out.ok, `handler failed: ${out.name}: ${out.message}\n${out.stderr}`);
        assert.deepStrictEqual(out.result, {
            executionArn: event.executionArn,
            taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef",
        });
        assert.strictEqual(env.WAIT_FOR_RUNNING_SECONDS, "0", "the dev stack's trigger does not wait for RUNNING");
        assert.deepStrictEqual(
            requests.map(r => r.op),
            ["RunTask"],
            "returns right after RunTask",
        );
        requests.length = 0;
        const waiting = await invokeInFolder(folder.dir, event, { ...lambdaEnv(), WAIT_FOR_RUNNING_SECONDS: "300" });
        assert.ok(waiting.ok, `handler failed: ${waiting.name}: ${waiting.message}\n${waiting.stderr}`);
        assert.deepStrictEqual(
            requests.map(r => r.op),
            ["RunTask", "DescribeTasks"],
            "with waitForRunning, waits for RUNNING",
        );
        assert.deepStrictEqual(requests[1].tasks, ["arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef"]);
        const r = requests[0];
        assert.strictEqual(r.cluster, env.CLUSTER_ARN);
        assert.strictEqual(r.taskDefinition, env.TASK_DEFINITION_ARN);
        assert.strictEqual(r.launchType, "FARGATE");
        assert.strictEqual(r.platformVersion, "1.4.0");
        assert.strictEqual(r.count, 1);
        assert.deepStrictEqual(r.networkConfiguration.awsvpcConfiguration, {
            subnets: env.SUBNET_IDS.split(","),
            securityGroups: env.SECURITY_GROUP_IDS.split(","),
            assignPublicIp: "ENABLED",
        });
        assert.deepStrictEqual(r.tags, [
            {
                key: "step-functions-execution-arn",
                value: "arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1",
            },
        ]);
        assert.deepStrictEqual(r.overrides, {
            containerOverrides: [
                { name: "worker", environment: [{ name: "STEP_FUNCTIONS_EXECUTION_ARN", value: event.executionArn }] },
            ],
        });
        assert.strictEqual(r.startedBy, "run-1");
        assert.match(r.clientToken ?? "", /^.{1,64}$/, "the SDK's idempotency token");
    });

    it("throws a named error with its message for a failures answer (not a class that loses its message)", async () => {
        answer = {
            tasks: [],
            failures: [
                {
                    arn: "arn:aws:ecs:us-east-1:000000000000:container-instance/x",
                    reason: "Capacity is unavailable at this time. Please try again later or in a different availability zone",
                },
            ],
        };
        const out = await invokeInFolder(folder.dir, event, lambdaEnv());
        assert.strictEqual(out.ok, false);
        assert.strictEqual(out.name, "Trigger.NoCapacity");
        assert.match(out.message!, /Capacity is unavailable at this time/);
        assert.strictEqual(out.isError, true);

        answer = { tasks: [], failures: [{ reason: "MISSING", detail: "no such thing" }] };
        const other = await invokeInFolder(folder.dir, event, lambdaEnv());
        assert.strictEqual(other.name, "Trigger.RunTaskFailed");
        assert.match(other.message!, /MISSING no such thing/);
    });

    it("with waitForRunning, reports a task that stops before RUNNING as Trigger.TaskStopped with ECS's reason", async () => {
        answer = { tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/dead" }], failures: [] };
        described = {
            tasks: [
                {
                    taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/dead",
                    lastStatus: "STOPPED",
                    stoppedReason: "Essential container in task exited",
                    stopCode: "EssentialContainerExited",
                    containers: [{ name: "worker", exitCode: 1 }],
                },
            ],
        };
        const out = await invokeInFolder(folder.dir, event, { ...lambdaEnv(), WAIT_FOR_RUNNING_SECONDS: "300" });
        assert.strictEqual(out.name, "Trigger.TaskStopped");
        assert.match(
            out.message!,
            /Essential container in task exited; stop code EssentialContainerExited; container worker exit code 1/,
        );
    });
});

describe("the healer Lambda's archive", function () {
    this.timeout(60_000);
    let folder: { dir: string; remove(): void };
    let env: Record<string, string>;
    let ecs: RunningServer;
    let sfn: RunningServer;
    let dynamodb: DynamoDbEndpoint;
    const calls: Array<{ op: string; body: any }> = [];
    const taskArn = "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef";
    const executionArn = "arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1";

    before(async () => {
        const stack = await devStack();
        const fn = stack.one("aws:lambda/function:Function", "ecs-healer");
        const files = await archiveFiles(fn);
        assert.deepStrictEqual(Object.keys(files), ["__index.js"]);
        const requires = new Set([...files["__index.js"].matchAll(/require\(([^)]*)\)/g)].map(m => m[1]));
        assert.deepStrictEqual(
            [...requires].sort(),
            ['"@aws-sdk/client-dynamodb"', '"@aws-sdk/client-ecs"', '"@aws-sdk/client-sfn"'],
            "only what the Lambda Node.js runtime provides",
        );
        env = fn.inputs.environment.variables;
        dynamodb = await startDynamoDbEndpoint({
            tables: [
                {
                    name: env.CLAIMS_TABLE,
                    arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${env.CLAIMS_TABLE}`,
                    hashKey: "taskArn",
                    keyTypes: { taskArn: "S" },
                    ttlAttribute: "expiresAt",
                },
            ],
        });
        const record = (op: string) => (body: any) => void calls.push({ op, body });
        ecs = await startAwsJsonServer({
            protocol: "1.1",
            targetPrefix: "AmazonEC2ContainerServiceV20141113",
            operations: {
                DescribeTasks: body => (
                    record("DescribeTasks")(body),
                    {
                        tasks: [
                            {
                                taskArn,
                                lastStatus: "STOPPED",
                                stoppedReason: "Essential container in task exited",
                                containers: [{ name: "worker", exitCode: 1 }],
                                overrides: {
                                    containerOverrides: [
                                        {
                                            name: "worker",
                                            environment: [
                                                { name: "STEP_FUNCTIONS_EXECUTION_ARN", value: executionArn },
                                            ],
                                        },
                                    ],
                                },
                                tags: [{ key: "step-functions-execution-arn", value: "escaped" }],
                            },
                        ],
                    }
                ),
            },
        });
        sfn = await startAwsJsonServer({
            protocol: "1.0",
            targetPrefix: "AWSStepFunctions",
            errorNamespace: "com.amazonaws.sfn",
            operations: {
                GetExecutionHistory: body => (
                    record("GetExecutionHistory")(body),
                    {
                        events: [
                            {
                                id: 9,
                                previousEventId: 8,
                                timestamp: 1764300000,
                                type: "ActivityScheduled",
                                activityScheduledEventDetails: {
                                    resource: env.ACTIVITY_ARN,
                                    input: JSON.stringify({ _execution: { executionArn, taskArn } }),
                                },
                            },
                        ],
                    }
                ),
                GetActivityTask: body => (
                    record("GetActivityTask")(body),
                    { taskToken: "token-1", input: JSON.stringify({ _execution: { executionArn, taskArn } }) }
                ),
                SendTaskFailure: body => (record("SendTaskFailure")(body), {}),
            },
        });
        folder = lambdaFolder(files["__index.js"], [
            "@aws-sdk/client-ecs",
            "@aws-sdk/client-sfn",
            "@aws-sdk/client-dynamodb",
        ]);
    });

    after(async () => {
        folder?.remove();
        await ecs?.close();
        await sfn?.close();
        await dynamodb?.close();
    });

    it("fails the lost container's pending task with Worker.Lost through the real SDK clients, its claim recorded in DynamoDB", async () => {
        const event = {
            "detail-type": "ECS Task State Change",
            source: "aws.ecs",
            detail: {
                taskArn,
                clusterArn: env.CLUSTER_ARN,
                lastStatus: "STOPPED",
                containers: [{ name: "worker", exitCode: 1 }],
            },
        };
        const out = await invokeInFolder(folder.dir, event, {
            ...env,
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "local",
            AWS_SECRET_ACCESS_KEY: "local",
            AWS_ENDPOINT_URL_ECS: ecs.url,
            AWS_ENDPOINT_URL_SFN: sfn.url,
            AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
        });
        assert.ok(out.ok, `${out.name}: ${out.message}\n${out.stderr}`);
        const { evidence, ...outcome } = out.result;
        assert.deepStrictEqual(outcome, { action: "failed-task", claimedFor: executionArn, taskArn });
        assert.strictEqual(evidence.waitingExecution, executionArn);
        assert.deepStrictEqual(
            calls.map(c => c.op),
            ["DescribeTasks", "GetExecutionHistory", "GetActivityTask", "SendTaskFailure"],
        );
        assert.deepStrictEqual(calls[0].body.include, ["TAGS"]);
        assert.strictEqual(calls[1].body.reverseOrder, true);
        assert.strictEqual(calls[2].body.activityArn, env.ACTIVITY_ARN);
        assert.strictEqual(calls[3].body.error, "Worker.Lost");
        assert.strictEqual(calls[3].body.taskToken, "token-1");
        const record = dynamodb.store.get(dynamodb.store.table(env.CLAIMS_TABLE), { taskArn: { S: taskArn } });
        assert.deepStrictEqual(
            [record?.state, record?.outcome],
            [{ S: "done" }, { S: "failed-task" }],
            "one heal, recorded",
        );
    });
});
