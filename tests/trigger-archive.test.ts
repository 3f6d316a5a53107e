// The trigger's serialized code works where Lambda runs it: only __index.js in the archive, loaded
// from an empty folder where nothing but @aws-sdk/client-ecs resolves, calling a stub ECS endpoint.
import * as assert from "assert";
import { startAwsJsonServer, RunningServer } from "../local/aws-json-server";
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
        assert.deepStrictEqual(Object.keys(files), ["__index.js"], "no node_modules, nothing but the serialized closure");
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

    const lambdaEnv = () => ({ ...env, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local", AWS_ENDPOINT_URL_ECS: ecs.url });
    const event = { executionArn: "arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1", executionName: "run-1" };

    it("is self-contained but for require(\"@aws-sdk/client-ecs\")", () => {
        const requires = [...indexJs.matchAll(/require\(([^)]*)\)/g)].map(m => m[1]);
        assert.deepStrictEqual([...new Set(requires)], ['"@aws-sdk/client-ecs"']);
        assert.ok(!/node_modules|\/work\/|@pulumi/.test(indexJs), "no absolute paths or Pulumi code in the closure");
    });

    it("calls RunTask with the stack's cluster, task definition and network, and returns the task ARN", async () => {
        requests.length = 0;
        answer = { tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef" }], failures: [] };
        described = { tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef", lastStatus: "RUNNING" }], failures: [] };
        const out = await invokeInFolder(folder.dir, event, lambdaEnv());
        assert.ok(out.ok, `handler failed: ${out.name}: ${out.message}\n${out.stderr}`);
        assert.deepStrictEqual(out.result, { executionArn: event.executionArn, taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef" });
        assert.deepStrictEqual(requests.map(r => r.op), ["RunTask", "DescribeTasks"], "waits for RUNNING");
        assert.deepStrictEqual(requests[1].tasks, ["arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef"]);
        const r = requests[0];
        assert.strictEqual(r.cluster, env.CLUSTER_ARN);
        assert.strictEqual(r.taskDefinition, env.TASK_DEFINITION_ARN);
        assert.strictEqual(r.launchType, "FARGATE");
        assert.strictEqual(r.platformVersion, "1.4.0");
        assert.strictEqual(r.count, 1);
        assert.deepStrictEqual(r.networkConfiguration.awsvpcConfiguration, { subnets: env.SUBNET_IDS.split(","), securityGroups: env.SECURITY_GROUP_IDS.split(","), assignPublicIp: "ENABLED" });
        assert.deepStrictEqual(r.tags, [{ key: "step-functions-execution-arn", value: event.executionArn }]);
        assert.strictEqual(r.startedBy, "run-1");
        assert.match(r.clientToken ?? "", /^.{1,64}$/, "the SDK's idempotency token");
    });

    it("throws a named error with its message for a failures answer (not a class that loses its message)", async () => {
        answer = { tasks: [], failures: [{ arn: "arn:aws:ecs:us-east-1:000000000000:container-instance/x", reason: "Capacity is unavailable at this time. Please try again later or in a different availability zone" }] };
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

    it("reports a task that stops before RUNNING as Trigger.TaskStopped with ECS's reason", async () => {
        answer = { tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/dead" }], failures: [] };
        described = { tasks: [{ taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/dead", lastStatus: "STOPPED", stoppedReason: "Essential container in task exited", stopCode: "EssentialContainerExited", containers: [{ name: "worker", exitCode: 1 }] }] };
        const out = await invokeInFolder(folder.dir, event, lambdaEnv());
        assert.strictEqual(out.name, "Trigger.TaskStopped");
        assert.match(out.message!, /Essential container in task exited; stop code EssentialContainerExited; container worker exit code 1/);
    });
});
