// The trigger's logic, over a fake ECS client: the exact RunTask request and the named errors.
import * as assert from "assert";
import {
    buildRunTaskRequest,
    Clock,
    EcsRunTask,
    EcsTaskDescription,
    errorForRunTaskAnswer,
    pollDelayMs,
    readTriggerConfig,
    startedByFor,
    triggerTask,
    TriggerConfig,
} from "../functions/trigger";

const config: TriggerConfig = {
    cluster: "arn:aws:ecs:us-east-1:000000000000:cluster/c",
    taskDefinition: "arn:aws:ecs:us-east-1:000000000000:task-definition/fam:3",
    subnets: ["subnet-a", "subnet-b"],
    securityGroups: ["sg-1"],
    assignPublicIp: true,
    capacity: "FARGATE",
    platformVersion: "1.4.0",
    waitForRunningSeconds: 0,
};
const event = { executionArn: "arn:aws:states:us-east-1:000000000000:execution:sm:run 1", executionName: "run 1" };

function fakeEcs(answer: object): EcsRunTask & { requests: any[] } {
    const requests: any[] = [];
    return { requests, runTask: async r => (requests.push(r), answer as any) };
}

describe("trigger handler", () => {
    it("sends exactly the RunTask request for on-demand Fargate", async () => {
        const ecs = fakeEcs({ tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/abc" }], failures: [] });
        const result = await triggerTask(ecs, config, event);
        assert.deepStrictEqual(result, {
            executionArn: event.executionArn,
            taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/abc",
        });
        assert.deepStrictEqual(ecs.requests, [
            {
                cluster: config.cluster,
                taskDefinition: config.taskDefinition,
                count: 1,
                platformVersion: "1.4.0",
                launchType: "FARGATE",
                networkConfiguration: {
                    awsvpcConfiguration: {
                        subnets: ["subnet-a", "subnet-b"],
                        securityGroups: ["sg-1"],
                        assignPublicIp: "ENABLED",
                    },
                },
                overrides: {
                    containerOverrides: [
                        {
                            name: "worker",
                            environment: [{ name: "STEP_FUNCTIONS_EXECUTION_ARN", value: event.executionArn }],
                        },
                    ],
                },
                tags: [{ key: "step-functions-execution-arn", value: event.executionArn }],
                startedBy: "run_1",
            },
        ]);
    });

    it("hands the execution ARN verbatim to the container, and tags the task with it escaped into what ECS allows", () => {
        const executionArn = "arn:aws:states:us-east-1:000000000000:execution:sm:run(1)_it's";
        const request = buildRunTaskRequest(config, { executionArn, executionName: "run(1)_it's" }) as any;
        assert.deepStrictEqual(request.overrides.containerOverrides[0].environment, [
            { name: "STEP_FUNCTIONS_EXECUTION_ARN", value: executionArn },
        ]);
        assert.deepStrictEqual(request.tags, [
            {
                key: "step-functions-execution-arn",
                value: "arn:aws:states:us-east-1:000000000000:execution:sm:run_28_1_29___it_27_s",
            },
        ]);
    });

    it("uses a FARGATE_SPOT capacity provider strategy instead of a launch type", () => {
        const request = buildRunTaskRequest({ ...config, capacity: "FARGATE_SPOT", assignPublicIp: false }, event);
        assert.strictEqual(request.launchType, undefined);
        assert.deepStrictEqual(request.capacityProviderStrategy, [{ capacityProvider: "FARGATE_SPOT", weight: 1 }]);
        assert.strictEqual((request.networkConfiguration as any).awsvpcConfiguration.assignPublicIp, "DISABLED");
    });

    it("throws Trigger.NoCapacity when RunTask reports missing capacity", async () => {
        const ecs = fakeEcs({
            tasks: [],
            failures: [
                {
                    arn: "arn:x",
                    reason: "Capacity is unavailable at this time. Please try again later or in a different availability zone",
                },
            ],
        });
        await assert.rejects(
            triggerTask(ecs, config, event),
            (e: Error) => e.name === "Trigger.NoCapacity" && /Capacity is unavailable at this time/.test(e.message),
        );
    });

    it("throws Trigger.RunTaskFailed for other failures and for an answer without a task", () => {
        const e1 = errorForRunTaskAnswer({ failures: [{ reason: "RESOURCE:ENI", detail: "limit" }] })!;
        assert.strictEqual(e1.name, "Trigger.RunTaskFailed");
        assert.match(e1.message, /RESOURCE:ENI limit/);
        assert.strictEqual(errorForRunTaskAnswer({ tasks: [], failures: [] })!.name, "Trigger.RunTaskFailed");
        assert.strictEqual(errorForRunTaskAnswer({ tasks: [{ taskArn: "t" }] }), undefined);
    });

    it("refuses an event without an execution ARN", async () => {
        await assert.rejects(triggerTask(fakeEcs({}), config, {}), (e: Error) => e.name === "Trigger.InvalidEvent");
    });

    it("cleans the execution name into startedBy's alphabet and length", () => {
        assert.strictEqual(startedByFor("a.b:c d/e-f_g"), "a_b_c_d/e-f_g");
        assert.strictEqual(startedByFor("x".repeat(100))!.length, 36);
        assert.strictEqual(startedByFor(undefined), undefined);
    });

    it("reads its configuration from the environment and names a missing variable", () => {
        const env = {
            CLUSTER_ARN: "c",
            TASK_DEFINITION_ARN: "t",
            SUBNET_IDS: "s1, s2",
            SECURITY_GROUP_IDS: "",
            ASSIGN_PUBLIC_IP: "DISABLED",
            CAPACITY: "FARGATE_SPOT",
            PLATFORM_VERSION: "1.4.0",
        };
        assert.deepStrictEqual(readTriggerConfig(env), {
            cluster: "c",
            taskDefinition: "t",
            subnets: ["s1", "s2"],
            securityGroups: [],
            assignPublicIp: false,
            capacity: "FARGATE_SPOT",
            platformVersion: "1.4.0",
            waitForRunningSeconds: 0,
        });
        assert.strictEqual(readTriggerConfig({ ...env, WAIT_FOR_RUNNING_SECONDS: "300" }).waitForRunningSeconds, 300);
        assert.throws(
            () => readTriggerConfig({ ...env, WAIT_FOR_RUNNING_SECONDS: "-1" }),
            /WAIT_FOR_RUNNING_SECONDS must be a whole number/,
        );
        assert.throws(
            () => readTriggerConfig({ ...env, CLUSTER_ARN: undefined }),
            (e: Error) => e.name === "Trigger.Misconfigured" && /CLUSTER_ARN/.test(e.message),
        );
        assert.throws(() => readTriggerConfig({ ...env, CAPACITY: "EC2" }), /CAPACITY must be FARGATE or FARGATE_SPOT/);
    });
});

/** A clock that jumps instead of waiting, and an ECS whose task walks through given statuses. */
function fakeClock(): Clock & { slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return { slept, now: () => t, sleep: async ms => void (slept.push(ms), (t += ms)), random: () => 0.5 };
}

function ecsWithStatuses(statuses: EcsTaskDescription[]): EcsRunTask & { calls: string[] } {
    const calls: string[] = [];
    let i = 0;
    return {
        calls,
        runTask: async () => (
            calls.push("RunTask"),
            { tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/t1" }] }
        ),
        describeTasks: async r => (
            calls.push(`DescribeTasks ${r.tasks[0]}`),
            { tasks: [statuses[Math.min(i++, statuses.length - 1)]] }
        ),
        stopTask: async r => void calls.push(`StopTask ${r.task} (${r.reason})`),
    };
}

describe("trigger: waiting for RUNNING", () => {
    const waiting = { ...config, waitForRunningSeconds: 300 };

    it("returns once the task is RUNNING: a first check soon after RunTask, then paced ones", async () => {
        const ecs = ecsWithStatuses([
            { lastStatus: "PROVISIONING" },
            { lastStatus: "PENDING" },
            { lastStatus: "RUNNING" },
        ]);
        const clock = fakeClock();
        const result = await triggerTask(ecs, waiting, event, clock);
        assert.strictEqual(result.taskArn, "arn:aws:ecs:us-east-1:000000000000:task/c/t1");
        assert.deepStrictEqual(ecs.calls.filter(c => c.startsWith("DescribeTasks")).length, 3);
        assert.deepStrictEqual(clock.slept, [1000, 7500, 7500]);
    });

    it("throws Trigger.TaskStopped with ECS's reason and the exit code when the task stops first", async () => {
        const ecs = ecsWithStatuses([
            { lastStatus: "PENDING" },
            {
                lastStatus: "STOPPED",
                stoppedReason: "CannotPullContainerError: pull image manifest has been retried 5 time(s)",
                stopCode: "TaskFailedToStart",
                containers: [{ name: "worker", exitCode: 1 }],
            },
        ]);
        await assert.rejects(
            triggerTask(ecs, waiting, event, fakeClock()),
            (e: Error) =>
                e.name === "Trigger.TaskStopped" &&
                /CannotPullContainerError/.test(e.message) &&
                /stop code TaskFailedToStart/.test(e.message) &&
                /container worker exit code 1/.test(e.message),
        );
        assert.ok(!ecs.calls.some(c => c.startsWith("StopTask")));
    });

    it("stops a task that is not RUNNING in time and says so", async () => {
        const ecs = ecsWithStatuses([{ lastStatus: "PENDING" }]);
        const clock = fakeClock();
        await assert.rejects(
            triggerTask(ecs, { ...config, waitForRunningSeconds: 30 }, event, clock),
            (e: Error) =>
                e.name === "Trigger.TaskStopped" && /not RUNNING within 30 s \(last status PENDING\)/.test(e.message),
        );
        assert.match(
            ecs.calls.at(-1)!,
            /^StopTask arn:aws:ecs:us-east-1:000000000000:task\/c\/t1 \(not RUNNING within 30 s/,
        );
        assert.ok(clock.now() >= 30_000 && clock.now() <= 30_000 + 5000, `gave up at ${clock.now()} ms`);
    });

    it("does not describe the task at all when waiting is off", async () => {
        const ecs = ecsWithStatuses([{ lastStatus: "PENDING" }]);
        await triggerTask(ecs, config, event, fakeClock());
        assert.deepStrictEqual(ecs.calls, ["RunTask"]);
    });

    it("checks first within 0.5–1.5 s, then every 6–9 s", () => {
        const at = (random: number) => [0, 1, 2, 10].map(check => pollDelayMs(check, () => random));
        assert.deepStrictEqual(at(0), [500, 6000, 6000, 6000]);
        assert.deepStrictEqual(at(0.999999), [1499, 8999, 8999, 8999]);
    });
});
