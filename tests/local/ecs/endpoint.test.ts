// The local ECS endpoint: pure request/state logic first, then the endpoint driven by the real
// @aws-sdk/client-ecs through AWS_ENDPOINT_URL_ECS, with tiny worker scripts as containers.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    ClientException,
    ClusterNotFoundException,
    DescribeTasksCommand,
    ECSClient,
    InvalidParameterException,
    ListTasksCommand,
    RunTaskCommand,
    RunTaskCommandInput,
    StopTaskCommand,
} from "@aws-sdk/client-ecs";
import { AwsServiceError } from "../../../local/shared/aws-json-server";
import {
    CAPACITY_UNAVAILABLE,
    EcsEndpoint,
    EcsEndpointOptions,
    TaskStateChangeEvent,
    startEcsEndpoint,
} from "../../../local/ecs/endpoint";
import { findTaskDefinition, taskArn } from "../../../local/ecs/arns";
import { containerEnvironment } from "../../../local/ecs/container-environment";
import { exitCodeOf, lineSplitter } from "../../../local/ecs/container-launcher";
import { planRunTask } from "../../../local/ecs/run-task-request";
import { newTaskRecord, nextTaskState, toTaskStateChangeEvent, toWireTask } from "../../../local/ecs/task-record";
import { DeclaredTaskDefinition, EcsWorld, TaskLaunchPlan } from "../../../local/ecs/types";
import { isAlive } from "../../helpers/processes";

const REGION = "eu-west-1";
const ACCOUNT = "000000000000";
const CLUSTER = {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/work`,
    name: "work",
    capacityProviders: ["FARGATE", "FARGATE_SPOT"],
};
function taskDefinition(revision: number, overrides: Partial<DeclaredTaskDefinition> = {}): DeclaredTaskDefinition {
    return {
        arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/worker:${revision}`,
        family: "worker",
        revision,
        cpu: "256",
        memory: "512",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        containerDefinitions: [
            {
                name: "worker",
                image: "worker:latest",
                essential: true,
                stopTimeout: 30,
                environment: [
                    { name: "FROM_DEFINITION", value: `rev${revision}` },
                    { name: "MODE", value: "exit" },
                ],
            },
        ],
        ...overrides,
    };
}
const WORLD: EcsWorld = {
    region: REGION,
    account: ACCOUNT,
    clusters: [CLUSTER],
    taskDefinitions: [taskDefinition(1), taskDefinition(2)],
};
const NETWORK = { awsvpcConfiguration: { subnets: ["subnet-a", "subnet-b"], assignPublicIp: "ENABLED" as const } };
const FARGATE_REQUEST: RunTaskCommandInput = {
    cluster: "work",
    taskDefinition: "worker",
    launchType: "FARGATE",
    networkConfiguration: NETWORK,
};

function errorOf(fn: () => unknown): AwsServiceError {
    try {
        fn();
    } catch (err) {
        if (err instanceof AwsServiceError) return err;
        throw err;
    }
    assert.fail("expected an AWS error");
}

function launchPlan(request: RunTaskCommandInput): TaskLaunchPlan {
    const decision = planRunTask(WORLD, request);
    assert.strictEqual(decision.kind, "launch");
    return (decision as { plan: TaskLaunchPlan }).plan;
}

describe("local ECS: RunTask validation (pure)", () => {
    it("resolves a task definition by family (latest), family:revision and ARN, and nothing else", () => {
        assert.strictEqual(findTaskDefinition(WORLD, "worker")?.revision, 2);
        assert.strictEqual(findTaskDefinition(WORLD, "worker:1")?.revision, 1);
        assert.strictEqual(
            findTaskDefinition(WORLD, `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/worker:1`)?.revision,
            1,
        );
        assert.strictEqual(
            findTaskDefinition(WORLD, `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/worker`)?.revision,
            2,
        );
        assert.strictEqual(findTaskDefinition(WORLD, "worker:3"), undefined);
        assert.strictEqual(
            findTaskDefinition(WORLD, `arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/worker:1`),
            undefined,
            "another region",
        );
        assert.strictEqual(findTaskDefinition(WORLD, "other"), undefined);
    });

    it("answers unknown clusters and task definitions with ECS's errors", () => {
        assert.strictEqual(
            errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, cluster: "nope" })).code,
            "ClusterNotFoundException",
        );
        assert.strictEqual(
            errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, cluster: undefined })).code,
            "ClusterNotFoundException",
            "no 'default' cluster declared",
        );
        assert.strictEqual(
            errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, taskDefinition: "worker:9" })).code,
            "InvalidParameterException",
        );
    });

    it("enforces launch type vs capacity provider strategy", () => {
        const both = errorOf(() =>
            planRunTask(WORLD, {
                ...FARGATE_REQUEST,
                capacityProviderStrategy: [{ capacityProvider: "FARGATE", weight: 1 }],
            }),
        );
        assert.strictEqual(both.code, "InvalidParameterException");
        assert.match(both.message, /both a launch type and capacity provider strategy/);
        const notInCluster = {
            ...FARGATE_REQUEST,
            launchType: undefined,
            capacityProviderStrategy: [{ capacityProvider: "my-asg", weight: 1 }],
        };
        assert.strictEqual(errorOf(() => planRunTask(WORLD, notInCluster)).code, "InvalidParameterException");
        const spot = launchPlan({
            ...FARGATE_REQUEST,
            launchType: undefined,
            capacityProviderStrategy: [
                { capacityProvider: "FARGATE", weight: 1 },
                { capacityProvider: "FARGATE_SPOT", weight: 3 },
            ],
        });
        assert.strictEqual(spot.launchType, "FARGATE");
        assert.strictEqual(spot.capacityProviderName, "FARGATE_SPOT");
        const base = launchPlan({
            ...FARGATE_REQUEST,
            launchType: undefined,
            capacityProviderStrategy: [
                { capacityProvider: "FARGATE", base: 1 },
                { capacityProvider: "FARGATE_SPOT", weight: 3 },
            ],
        });
        assert.strictEqual(base.capacityProviderName, "FARGATE");
    });

    it("uses the cluster's default strategy, else EC2, which has no instances here (a failure, not an error)", () => {
        const withDefault: EcsWorld = {
            ...WORLD,
            clusters: [
                { ...CLUSTER, defaultCapacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
            ],
        };
        const decision = planRunTask(withDefault, { ...FARGATE_REQUEST, launchType: undefined });
        assert.strictEqual(decision.kind === "launch" && decision.plan.capacityProviderName, "FARGATE_SPOT");
        const ec2 = planRunTask(WORLD, { ...FARGATE_REQUEST, launchType: undefined });
        assert.deepStrictEqual(ec2, {
            kind: "fail",
            failures: [{ reason: "No Container Instances were found in your cluster." }],
        });
    });

    it("refuses FARGATE for a task definition that is not Fargate-compatible (ClientException)", () => {
        const world = { ...WORLD, taskDefinitions: [taskDefinition(1, { requiresCompatibilities: ["EC2"] })] };
        assert.strictEqual(errorOf(() => planRunTask(world, FARGATE_REQUEST)).code, "ClientException");
    });

    it("requires awsvpc network configuration with subnets", () => {
        const missing = errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, networkConfiguration: undefined }));
        assert.strictEqual(missing.code, "InvalidParameterException");
        assert.match(missing.message, /Network Configuration must be provided/);
        assert.strictEqual(
            errorOf(() =>
                planRunTask(WORLD, {
                    ...FARGATE_REQUEST,
                    networkConfiguration: { awsvpcConfiguration: { subnets: [] } },
                }),
            ).code,
            "InvalidParameterException",
        );
        const plan = launchPlan(FARGATE_REQUEST);
        assert.deepStrictEqual([plan.subnets, plan.assignPublicIp], [["subnet-a", "subnet-b"], "ENABLED"]);
    });

    it("checks count, startedBy, tags and container override names", () => {
        for (const count of [0, 11, 1.5])
            assert.strictEqual(
                errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, count })).code,
                "InvalidParameterException",
                `count ${count}`,
            );
        assert.strictEqual(launchPlan({ ...FARGATE_REQUEST, count: 10 }).count, 10);
        assert.strictEqual(
            errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, startedBy: "arn:aws:states:x" })).code,
            "InvalidParameterException",
        );
        assert.strictEqual(launchPlan({ ...FARGATE_REQUEST, startedBy: "exec/abc_1-2" }).startedBy, "exec/abc_1-2");
        assert.strictEqual(
            errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, tags: [{ key: "aws:x", value: "1" }] })).code,
            "InvalidParameterException",
        );
        const overrides = { containerOverrides: [{ name: "sidecar", environment: [{ name: "A", value: "1" }] }] };
        assert.strictEqual(
            errorOf(() => planRunTask(WORLD, { ...FARGATE_REQUEST, overrides })).code,
            "InvalidParameterException",
        );
        const plan = launchPlan({
            ...FARGATE_REQUEST,
            overrides: { containerOverrides: [{ name: "worker", environment: [{ name: "A", value: "1" }] }] },
            tags: [{ key: "k", value: "v" }],
        });
        assert.deepStrictEqual(plan.environmentOverrides, [{ name: "A", value: "1" }]);
        assert.strictEqual(plan.group, "family:worker");
        assert.deepStrictEqual(plan.tags, [{ key: "k", value: "v" }]);
    });
});

describe("local ECS: task records, environment and exit codes (pure)", () => {
    it("builds task ARNs in the long format with a 32-hex id", () => {
        const record = newTaskRecord(WORLD, launchPlan(FARGATE_REQUEST), "0123456789abcdef0123456789abcdef", 1_000);
        assert.strictEqual(
            record.taskArn,
            `arn:aws:ecs:${REGION}:${ACCOUNT}:task/work/0123456789abcdef0123456789abcdef`,
        );
        assert.strictEqual(taskArn(WORLD, "c", "x"), `arn:aws:ecs:${REGION}:${ACCOUNT}:task/c/x`);
    });

    it("walks PROVISIONING → PENDING → RUNNING → STOPPED and refuses out-of-order events", () => {
        let task = newTaskRecord(WORLD, launchPlan(FARGATE_REQUEST), "a".repeat(32), 1_000);
        assert.strictEqual(nextTaskState(task, { type: "running" }, 1_001), undefined, "RUNNING needs PENDING first");
        task = nextTaskState(task, { type: "pending" }, 1_100)!;
        task = nextTaskState(task, { type: "running" }, 1_200)!;
        assert.deepStrictEqual(
            [task.lastStatus, task.desiredStatus, task.startedAt, task.version],
            ["RUNNING", "RUNNING", 1_200, 3],
        );
        const stopped = nextTaskState(task, { type: "exited", exitCode: 3 }, 1_300)!;
        assert.deepStrictEqual(
            [stopped.lastStatus, stopped.exitCode, stopped.stopCode, stopped.stoppedReason, stopped.stoppedAt],
            ["STOPPED", 3, "EssentialContainerExited", "Essential container in task exited", 1_300],
        );
        assert.strictEqual(nextTaskState(stopped, { type: "exited", exitCode: 0 }, 1_400), undefined);
        assert.strictEqual(nextTaskState(stopped, { type: "running" }, 1_400), undefined);
        const wire = toWireTask(stopped);
        assert.deepStrictEqual([wire.createdAt, wire.stoppedAt], [1, 1.3], "epoch seconds on the wire");
        const event = toTaskStateChangeEvent(WORLD, stopped, 1_300);
        assert.deepStrictEqual(
            [event["detail-type"], event.source, event.detail.containers[0].exitCode, event.detail.stoppedAt],
            ["ECS Task State Change", "aws.ecs", 3, "1970-01-01T00:00:01.300Z"],
        );
    });

    it("records a user stop (UserInitiated, its reason) and a failed start (TaskFailedToStart, no exit code)", () => {
        let task = newTaskRecord(WORLD, launchPlan(FARGATE_REQUEST), "b".repeat(32), 0);
        task = nextTaskState(nextTaskState(task, { type: "pending" }, 1)!, { type: "running" }, 2)!;
        const stopping = nextTaskState(task, { type: "stopRequested", reason: "scale in" }, 3)!;
        assert.deepStrictEqual([stopping.lastStatus, stopping.desiredStatus], ["RUNNING", "STOPPED"]);
        const stopped = nextTaskState(stopping, { type: "exited", exitCode: 143 }, 4)!;
        assert.deepStrictEqual(
            [stopped.stopCode, stopped.stoppedReason, stopped.exitCode],
            ["UserInitiated", "scale in", 143],
        );
        const pending = nextTaskState(
            newTaskRecord(WORLD, launchPlan(FARGATE_REQUEST), "c".repeat(32), 0),
            { type: "pending" },
            1,
        )!;
        const failed = nextTaskState(pending, { type: "failedToStart", reason: "CannotPullContainerError: x" }, 2)!;
        assert.deepStrictEqual(
            [
                failed.lastStatus,
                failed.stopCode,
                failed.stoppedReason,
                failed.containerReason,
                failed.exitCode,
                failed.startedAt,
            ],
            [
                "STOPPED",
                "TaskFailedToStart",
                "CannotPullContainerError: x",
                "CannotPullContainerError: x",
                undefined,
                undefined,
            ],
        );
    });

    it("gives the container its definition's environment, the request's overrides, then the platform's values", () => {
        const env = containerEnvironment(
            [
                { name: "A", value: "def" },
                { name: "B", value: "def" },
                { name: "AWS_ACCESS_KEY_ID", value: "AKIAREALLOOKING" },
            ],
            [{ name: "B", value: "override" }],
            {
                region: REGION,
                stepFunctionsEndpoint: "http://127.0.0.1:1",
                metadataUri: "http://127.0.0.1:2/v4/x",
                extra: { PATH: "/bin", A: "extra" },
            },
        );
        assert.strictEqual(env.A, "def");
        assert.strictEqual(env.B, "override");
        assert.strictEqual(env.AWS_ACCESS_KEY_ID, "AKIALOCAL0000000000");
        assert.deepStrictEqual(
            [env.AWS_REGION, env.AWS_ENDPOINT_URL_SFN, env.ECS_CONTAINER_METADATA_URI_V4, env.PATH],
            [REGION, "http://127.0.0.1:1", "http://127.0.0.1:2/v4/x", "/bin"],
        );
    });

    it("reports Docker's exit codes for signals and splits output into lines", () => {
        assert.deepStrictEqual(
            [
                exitCodeOf({ signal: "SIGKILL" }),
                exitCodeOf({ signal: "SIGTERM" }),
                exitCodeOf({ exitCode: 0 }),
                exitCodeOf({}),
            ],
            [137, 143, 0, undefined],
        );
        const lines: string[] = [];
        const splitter = lineSplitter(line => lines.push(line));
        splitter.push("a\nb");
        splitter.push("c\r\nd");
        splitter.end();
        assert.deepStrictEqual(lines, ["a", "bc", "d"]);
    });
});

// A container stand-in: reports what it sees, then behaves as MODE says.
const WORKER_SOURCE = `
const http = require("http");
const get = url => new Promise((resolve, reject) => http.get(url, res => { let body = ""; res.on("data", c => (body += c)); res.on("end", () => resolve(JSON.parse(body))); }).on("error", reject));
(async () => {
    // Signal handlers first: once REPORT is out, a test may stop the task at any moment.
    const mode = process.env.MODE;
    if (mode === "wait") process.on("SIGTERM", () => { console.log("got SIGTERM"); process.exit(0); });
    if (mode === "ignore-term") process.on("SIGTERM", () => console.log("ignoring SIGTERM"));
    const task = await get(process.env.ECS_CONTAINER_METADATA_URI_V4 + "/task");
    const pick = ["MODE", "FROM_DEFINITION", "FROM_OVERRIDE", "AWS_ENDPOINT_URL_SFN", "AWS_REGION", "AWS_ACCESS_KEY_ID", "HOME_SECRET"];
    console.log("REPORT " + JSON.stringify({ pid: process.pid, taskArn: task.TaskARN, env: Object.fromEntries(pick.map(k => [k, process.env[k]])) }));
    console.error("a line on stderr");
    if (mode === "exit") process.exit(Number(process.env.EXIT_CODE || 0));
    setInterval(() => {}, 1000);
})();
`;

interface Report {
    pid: number;
    taskArn: string;
    env: Record<string, string | undefined>;
}

describe("local ECS endpoint through the real SDK", function () {
    this.timeout(30_000);
    let dir: string;
    let bundle: string;
    let endpoint: EcsEndpoint;
    let ecs: ECSClient;
    let lines: { taskId: string; stream: string; line: string }[];
    let events: TaskStateChangeEvent[];
    const savedEnv: Record<string, string | undefined> = {};

    async function start(options: Partial<EcsEndpointOptions> = {}) {
        lines = [];
        events = [];
        endpoint = await startEcsEndpoint({
            clusters: [CLUSTER],
            taskDefinitions: WORLD.taskDefinitions,
            region: REGION,
            stepFunctionsEndpoint: "http://127.0.0.1:9/sfn",
            workerBundlePath: bundle,
            maxStopTimeoutMs: 500,
            output: entry => lines.push(entry),
            ...options,
        });
        endpoint.onTaskStateChange(event => events.push(event));
        process.env.AWS_ENDPOINT_URL_ECS = endpoint.url;
        ecs = new ECSClient({});
    }

    function reports(): Report[] {
        return lines.filter(l => l.line.startsWith("REPORT ")).map(l => JSON.parse(l.line.slice(7)));
    }

    async function runOne(input: Partial<RunTaskCommandInput> = {}): Promise<string> {
        const answer = await ecs.send(new RunTaskCommand({ ...FARGATE_REQUEST, ...input }));
        assert.deepStrictEqual(answer.failures, []);
        assert.strictEqual(answer.tasks?.length, 1);
        return answer.tasks![0].taskArn!;
    }

    function statusesOf(arn: string): string[] {
        return events
            .filter(e => e.detail.taskArn === arn)
            .map(e => `${e.detail.lastStatus}/${e.detail.desiredStatus}`);
    }

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-endpoint-test-"));
        bundle = path.join(dir, "worker.js");
        fs.writeFileSync(bundle, WORKER_SOURCE);
        for (const key of [
            "HOME_SECRET",
            "AWS_ENDPOINT_URL_ECS",
            "AWS_REGION",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
        ])
            savedEnv[key] = process.env[key];
        Object.assign(process.env, {
            HOME_SECRET: "must-not-leak",
            AWS_REGION: REGION,
            AWS_ACCESS_KEY_ID: "AKIATEST",
            AWS_SECRET_ACCESS_KEY: "test",
        });
    });
    afterEach(async () => {
        ecs?.destroy();
        await endpoint?.close();
    });
    after(() => {
        for (const [key, value] of Object.entries(savedEnv)) {
            if (value === undefined) delete process.env[key];
            else process.env[key] = value;
        }
        fs.rmSync(dir, { recursive: true, force: true });
    });

    it("runs a task to completion: process env, metadata, output, events and DescribeTasks", async () => {
        await start();
        const arn = await runOne({
            overrides: {
                containerOverrides: [
                    {
                        name: "worker",
                        environment: [
                            { name: "FROM_OVERRIDE", value: "yes" },
                            { name: "EXIT_CODE", value: "3" },
                        ],
                    },
                ],
            },
            startedBy: "test_run",
            tags: [{ key: "purpose", value: "test" }],
        });
        assert.match(arn, new RegExp(`^arn:aws:ecs:${REGION}:${ACCOUNT}:task/work/[0-9a-f]{32}$`));
        const stopped = await endpoint.waitForTaskStatus(arn, "STOPPED");
        assert.strictEqual(stopped.exitCode, 3);
        const [report] = reports();
        assert.strictEqual(report.taskArn, arn, "the metadata endpoint names the task");
        assert.deepStrictEqual(
            report.env,
            {
                MODE: "exit",
                FROM_DEFINITION: "rev2",
                FROM_OVERRIDE: "yes",
                AWS_ENDPOINT_URL_SFN: "http://127.0.0.1:9/sfn",
                AWS_REGION: REGION,
                AWS_ACCESS_KEY_ID: "AKIALOCAL0000000000",
            },
            "nothing of this process's environment (HOME_SECRET) leaks in",
        );
        assert.ok(lines.some(l => l.stream === "stderr" && l.line === "a line on stderr"));
        assert.ok(!isAlive(report.pid));
        assert.deepStrictEqual(statusesOf(arn), [
            "PROVISIONING/RUNNING",
            "PENDING/RUNNING",
            "RUNNING/RUNNING",
            "STOPPED/STOPPED",
        ]);
        assert.strictEqual(events.at(-1)!.detail.containers[0].exitCode, 3);
        assert.strictEqual(events.at(-1)!.detail.startedBy, "test_run");

        const described = await ecs.send(
            new DescribeTasksCommand({ cluster: CLUSTER.arn, tasks: [arn, "f".repeat(32)], include: ["TAGS"] }),
        );
        const task = described.tasks![0];
        assert.deepStrictEqual(
            [task.lastStatus, task.stopCode, task.stoppedReason, task.containers![0].exitCode, task.group],
            ["STOPPED", "EssentialContainerExited", "Essential container in task exited", 3, "family:worker"],
        );
        assert.ok(
            task.createdAt instanceof Date && task.stoppedAt! >= task.startedAt! && task.startedAt! >= task.createdAt,
        );
        assert.deepStrictEqual(task.tags, [{ key: "purpose", value: "test" }]);
        assert.deepStrictEqual(described.failures, [{ arn: "f".repeat(32), reason: "MISSING" }]);
    });

    it("answers bad requests with ECS's modeled exceptions", async () => {
        await start();
        await assert.rejects(
            ecs.send(new RunTaskCommand({ ...FARGATE_REQUEST, cluster: "nope" })),
            ClusterNotFoundException,
        );
        await assert.rejects(
            ecs.send(new RunTaskCommand({ ...FARGATE_REQUEST, taskDefinition: "worker:7" })),
            InvalidParameterException,
        );
        await assert.rejects(
            ecs.send(new RunTaskCommand({ ...FARGATE_REQUEST, networkConfiguration: undefined })),
            InvalidParameterException,
        );
        await assert.rejects(
            ecs.send(new StopTaskCommand({ cluster: "work", task: "0".repeat(32) })),
            InvalidParameterException,
        );
        await assert.rejects(
            ecs.send(new DescribeTasksCommand({ cluster: "nope", tasks: ["x"] })),
            ClusterNotFoundException,
        );
        assert.deepStrictEqual(endpoint.tasks(), [], "nothing was started");
        const world = [taskDefinition(1, { requiresCompatibilities: ["EC2"] })];
        await endpoint.close();
        await start({ taskDefinitions: world });
        await assert.rejects(ecs.send(new RunTaskCommand(FARGATE_REQUEST)), ClientException);
    });

    it("StopTask: SIGTERM, a graceful exit is UserInitiated with the given reason", async () => {
        await start();
        const arn = await runOne({
            overrides: { containerOverrides: [{ name: "worker", environment: [{ name: "MODE", value: "wait" }] }] },
        });
        await endpoint.waitForTaskStatus(arn, "RUNNING");
        await waitFor(() => reports().length === 1);
        const stopping = await ecs.send(
            new StopTaskCommand({ cluster: "work", task: arn, reason: "no longer needed" }),
        );
        assert.strictEqual(stopping.task?.desiredStatus, "STOPPED");
        const stopped = await endpoint.waitForTaskStatus(arn, "STOPPED");
        assert.deepStrictEqual(
            [stopped.exitCode, stopped.stopCode, stopped.stoppedReason],
            [0, "UserInitiated", "no longer needed"],
        );
        assert.ok(lines.some(l => l.line === "got SIGTERM"));
    });

    it("StopTask: a container that ignores SIGTERM is killed after its stopTimeout (capped for tests)", async () => {
        await start({ maxStopTimeoutMs: 300 });
        const arn = await runOne({
            overrides: {
                containerOverrides: [{ name: "worker", environment: [{ name: "MODE", value: "ignore-term" }] }],
            },
        });
        await waitFor(() => reports().length === 1);
        const asked = Date.now();
        await ecs.send(new StopTaskCommand({ cluster: "work", task: arn }));
        const stopped = await endpoint.waitForTaskStatus(arn, "STOPPED", 5_000);
        assert.ok(
            Date.now() - asked >= 290,
            `waited for the stop timeout (${Date.now() - asked} ms, exit ${stopped.exitCode}, ${JSON.stringify(lines.map(l => l.line))})`,
        );
        assert.deepStrictEqual(
            [stopped.exitCode, stopped.stopCode, stopped.stoppedReason],
            [137, "UserInitiated", "Task stopped by user"],
        );
        assert.ok(lines.some(l => l.line === "ignoring SIGTERM"));
    });

    it("ListTasks filters by desired status, family and startedBy, and pages", async () => {
        await start();
        const answer = await ecs.send(
            new RunTaskCommand({
                ...FARGATE_REQUEST,
                count: 3,
                startedBy: "batch",
                overrides: { containerOverrides: [{ name: "worker", environment: [{ name: "MODE", value: "wait" }] }] },
            }),
        );
        assert.strictEqual(answer.tasks?.length, 3);
        const arns = answer.tasks!.map(t => t.taskArn!);
        await Promise.all(arns.map(arn => endpoint.waitForTaskStatus(arn, "RUNNING")));
        await waitFor(() => reports().length === 3);
        const page1 = await ecs.send(new ListTasksCommand({ cluster: "work", maxResults: 2 }));
        const page2 = await ecs.send(
            new ListTasksCommand({ cluster: "work", maxResults: 2, nextToken: page1.nextToken }),
        );
        assert.deepStrictEqual([...page1.taskArns!, ...page2.taskArns!].sort(), [...arns].sort());
        assert.strictEqual(page2.nextToken, undefined);
        // A token pages the query it came from, not another one (one scheme for every local list).
        await assert.rejects(
            ecs.send(new ListTasksCommand({ cluster: "work", startedBy: "other", nextToken: page1.nextToken })),
            { name: "InvalidParameterException" },
        );
        assert.deepStrictEqual(
            (await ecs.send(new ListTasksCommand({ cluster: "work", startedBy: "other" }))).taskArns,
            [],
        );
        assert.strictEqual(
            (await ecs.send(new ListTasksCommand({ cluster: "work", family: "worker" }))).taskArns?.length,
            3,
        );
        await ecs.send(new StopTaskCommand({ cluster: "work", task: arns[0] }));
        await endpoint.waitForTaskStatus(arns[0], "STOPPED");
        assert.deepStrictEqual(
            (await ecs.send(new ListTasksCommand({ cluster: "work", desiredStatus: "STOPPED" }))).taskArns,
            [arns[0]],
        );
        assert.strictEqual((await ecs.send(new ListTasksCommand({ cluster: "work" }))).taskArns?.length, 2);
        const pids = reports().map(r => r.pid);
        await endpoint.close();
        assert.strictEqual(pids.length, 3);
        assert.deepStrictEqual(pids.filter(isAlive), [], "close() ended every container");
        assert.ok(endpoint.tasks().every(t => t.lastStatus === "STOPPED"));
    });

    it("test hook: the next RunTask answers with a capacity failure, the one after succeeds", async () => {
        await start();
        endpoint.testHooks.failNextRunTask();
        const refused = await ecs.send(new RunTaskCommand(FARGATE_REQUEST));
        assert.deepStrictEqual(refused.tasks, []);
        assert.strictEqual(refused.failures?.[0].reason, CAPACITY_UNAVAILABLE);
        assert.deepStrictEqual(endpoint.tasks(), []);
        const arn = await runOne();
        assert.strictEqual((await endpoint.waitForTaskStatus(arn, "STOPPED")).exitCode, 0);
    });

    it("test hook: a task that fails to start never reaches RUNNING and starts no process", async () => {
        await start();
        endpoint.testHooks.failNextTaskStart({ reason: "CannotPullContainerError: no such image" });
        const arn = await runOne();
        const stopped = await endpoint.waitForTaskStatus(arn, "STOPPED");
        assert.deepStrictEqual(
            [stopped.stopCode, stopped.stoppedReason, stopped.exitCode],
            ["TaskFailedToStart", "CannotPullContainerError: no such image", undefined],
        );
        assert.deepStrictEqual(statusesOf(arn), ["PROVISIONING/RUNNING", "PENDING/RUNNING", "STOPPED/STOPPED"]);
        assert.deepStrictEqual(reports(), []);
    });

    it("a missing worker bundle is a task that fails to start (CannotPullContainerError)", async () => {
        await start({ workerBundlePath: path.join(dir, "missing.js") });
        const stopped = await endpoint.waitForTaskStatus(await runOne(), "STOPPED");
        assert.strictEqual(stopped.stopCode, "TaskFailedToStart");
        assert.match(stopped.stoppedReason!, /^CannotPullContainerError: worker bundle .*missing\.js not found/);
    });

    it("test hook: a task that exits right after RUNNING, before the worker runs", async () => {
        await start();
        endpoint.testHooks.exitNextTaskAfterRunning({ exitCode: 2 });
        const arn = await runOne();
        const stopped = await endpoint.waitForTaskStatus(arn, "STOPPED");
        assert.deepStrictEqual([stopped.exitCode, stopped.stopCode], [2, "EssentialContainerExited"]);
        assert.deepStrictEqual(statusesOf(arn), [
            "PROVISIONING/RUNNING",
            "PENDING/RUNNING",
            "RUNNING/RUNNING",
            "STOPPED/STOPPED",
        ]);
        assert.deepStrictEqual(reports(), [], "the worker never ran");
    });

    it("test hook: a task stopped after RUNNING, at its container's first metadata read (before a worker polls)", async () => {
        await start();
        endpoint.testHooks.stopNextTaskBeforeFirstPoll({ reason: "Scaling activity initiated by (deployment)" });
        const arn = await runOne({
            overrides: { containerOverrides: [{ name: "worker", environment: [{ name: "MODE", value: "wait" }] }] },
        });
        const stopped = await endpoint.waitForTaskStatus(arn, "STOPPED");
        assert.deepStrictEqual(
            [stopped.exitCode, stopped.stopCode, stopped.stoppedReason],
            [0, "UserInitiated", "Scaling activity initiated by (deployment)"],
        );
        assert.ok(lines.some(l => l.line === "got SIGTERM"));
        assert.deepStrictEqual(reports(), [], "SIGTERM came before the metadata answer");
        assert.deepStrictEqual(statusesOf(arn), [
            "PROVISIONING/RUNNING",
            "PENDING/RUNNING",
            "RUNNING/RUNNING",
            "RUNNING/STOPPED",
            "STOPPED/STOPPED",
        ]);
        const next = await runOne({
            overrides: { containerOverrides: [{ name: "worker", environment: [{ name: "MODE", value: "exit" }] }] },
        });
        assert.strictEqual((await endpoint.waitForTaskStatus(next, "STOPPED")).stopCode, "EssentialContainerExited");
    });

    it("test hook: killing a task's process reports exit code 137", async () => {
        await start();
        const arn = await runOne({
            overrides: { containerOverrides: [{ name: "worker", environment: [{ name: "MODE", value: "wait" }] }] },
        });
        await waitFor(() => reports().length === 1);
        assert.strictEqual(endpoint.testHooks.killTask(arn), true);
        const stopped = await endpoint.waitForTaskStatus(arn, "STOPPED");
        assert.deepStrictEqual([stopped.exitCode, stopped.stopCode], [137, "EssentialContainerExited"]);
        assert.strictEqual(isAlive(reports()[0].pid), false);
        assert.strictEqual(endpoint.testHooks.killTask(arn), false, "nothing left to kill");
    });

    it("--external-workers: RUNNING at once with no process; StopTask stops it", async () => {
        await start({ externalWorkers: true });
        const arn = await runOne();
        const running = await endpoint.waitForTaskStatus(arn, "RUNNING");
        assert.strictEqual(running.lastStatus, "RUNNING");
        assert.deepStrictEqual(reports(), []);
        await ecs.send(new StopTaskCommand({ cluster: "work", task: arn }));
        assert.strictEqual((await endpoint.waitForTaskStatus(arn, "STOPPED")).stopCode, "UserInitiated");
    });

    it("measures RunTask → RUNNING", async () => {
        await start();
        const samples: number[] = [];
        for (let i = 0; i < 7; i++) {
            const t0 = performance.now();
            const arn = await runOne();
            await endpoint.waitForTaskStatus(arn, "RUNNING");
            samples.push(performance.now() - t0);
            await endpoint.waitForTaskStatus(arn, "STOPPED");
        }
        samples.sort((a, b) => a - b);
        const median = samples[3];
        console.log(
            `      RunTask → RUNNING: median ${median.toFixed(1)} ms over ${samples.length} (min ${samples[0].toFixed(1)}, max ${samples.at(-1)!.toFixed(1)})`,
        );
        assert.ok(median < 1_000, `RunTask → RUNNING took ${median} ms`);
    });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error("condition not met in time");
        await new Promise(resolve => setTimeout(resolve, 10));
    }
}
