// --external-workers: the placeholder task RunTask starts for each attempt ends once its attempt
// no longer needs it, without an ECS task state change event (which would wake the healer).
import * as assert from "assert";
import {
    DescribeExecutionCommand,
    GetActivityTaskCommand,
    SendTaskSuccessCommand,
    SFNClient,
    StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { LocalStack, startLocalStack } from "../../../local/stack/local-stack";
import { TaskStateChangeEvent } from "../../../local/ecs/endpoint";
import { PROJECT_DIR } from "../../helpers/dev-stack";
import { localClientConfig } from "../../helpers/local-client";

describe("--external-workers placeholders", function () {
    this.timeout(120_000);
    let stack: LocalStack;
    let sfn: SFNClient;
    const events: TaskStateChangeEvent[] = [];

    before(async () => {
        stack = await startLocalStack({
            projectDir: PROJECT_DIR,
            stack: "dev",
            externalWorkers: true,
            lambdaOutput: () => undefined,
        });
        stack.ecs.onTaskStateChange(e => events.push(e));
        sfn = new SFNClient(localClientConfig(stack.sfn.url, stack.region));
    });

    after(async () => {
        sfn?.destroy();
        await stack?.close();
    });

    /** One execution played by a worker made of SDK calls: take the task, answer it. */
    async function runOne(i: number): Promise<string> {
        const { executionArn } = await sfn.send(
            new StartExecutionCommand({ stateMachineArn: stack.stateMachineArn, input: JSON.stringify({ i }) }),
        );
        const activityArn = stack.world.steps[0].activityArn;
        const task = await sfn.send(new GetActivityTaskCommand({ activityArn, workerName: `hand-${i}` }));
        assert.ok(task.taskToken, "a task was waiting");
        await sfn.send(new SendTaskSuccessCommand({ taskToken: task.taskToken, output: JSON.stringify({ i }) }));
        for (;;) {
            const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
            if (d.status !== "RUNNING") {
                assert.strictEqual(d.status, "SUCCEEDED", `${d.error} ${d.cause}`);
                return executionArn!;
            }
            await new Promise(r => setTimeout(r, 20));
        }
    }

    it("15 executions leave no placeholder RUNNING, each STOPPED with exit code 0 and no STOPPED event", async () => {
        for (let i = 0; i < 15; i++) await runOne(i);
        const tasks = stack.ecs.tasks();
        assert.strictEqual(tasks.length, 15, "one placeholder per execution");
        assert.deepStrictEqual(
            tasks.filter(t => t.lastStatus !== "STOPPED").map(t => t.taskArn),
            [],
            "every placeholder ended",
        );
        for (const t of tasks) assert.deepStrictEqual([t.exitCode, t.stopCode], [0, "EssentialContainerExited"]);
        assert.deepStrictEqual(
            events.filter(e => e.detail.lastStatus === "STOPPED").map(e => e.detail.taskArn),
            [],
            "no ECS event told anyone (the healer) of their end",
        );
        assert.strictEqual(stack.pendingSubscriptions(), 0);
        assert.ok(
            !Object.keys(stack.lambdas.environments()).some(name => name.includes("healer")),
            "the healer never ran",
        );
    });
});
