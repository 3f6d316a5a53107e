// How a consumer tests a program built from fargate-activity-step: Pulumi mocks, the program
// imported after them, outputs unwrapped with a small helper.
import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";

const declared: Array<{ type: string; name: string; inputs: any }> = [];

function arnFor(type: string, name: string): string | undefined {
    const prefix = "arn:aws:%s:us-east-1:123456789012:";
    const service = (s: string) => prefix.replace("%s", s);
    switch (type) {
        case "aws:sfn/activity:Activity":
            return `${service("states")}activity:${name}`;
        case "aws:sfn/stateMachine:StateMachine":
            return `${service("states")}stateMachine:${name}`;
        case "aws:lambda/function:Function":
            return `${service("lambda")}function:${name}`;
        case "aws:ecs/cluster:Cluster":
            return `${service("ecs")}cluster/${name}`;
        case "aws:iam/role:Role":
            return `arn:aws:iam::123456789012:role/${name}`;
        default:
            return `${service(type.split(":")[1].split("/")[0])}${name}`;
    }
}

pulumi.runtime.setAllConfig({ "aws:region": "us-east-1" });
pulumi.runtime.setMocks(
    {
        newResource(args) {
            declared.push({ type: args.type, name: args.name, inputs: args.inputs });
            const name = args.inputs.name ?? `${args.name}-1234567`;
            const state: Record<string, unknown> = { ...args.inputs, name, arn: arnFor(args.type, name) };
            if (args.type === "aws:ecs/taskDefinition:TaskDefinition")
                Object.assign(state, {
                    arn: `arn:aws:ecs:us-east-1:123456789012:task-definition/${args.inputs.family}:1`,
                    arnWithoutRevision: `arn:aws:ecs:us-east-1:123456789012:task-definition/${args.inputs.family}`,
                });
            if (args.type === "awsx:ecr:Image")
                state.imageUri = "123456789012.dkr.ecr.us-east-1.amazonaws.com/etl@sha256:00";
            return { id: `${args.name}-id`, state };
        },
        call(args) {
            if (args.token === "aws:index/getRegion:getRegion") return { name: "us-east-1", region: "us-east-1" };
            if (args.token === "aws:index/getCallerIdentity:getCallerIdentity") return { accountId: "123456789012" };
            if (args.token === "aws:index/getAvailabilityZones:getAvailabilityZones")
                return { names: ["us-east-1a", "us-east-1b"] };
            return {};
        },
    },
    "etl-example",
    "dev",
    false,
);

const unwrap = <T>(o: pulumi.Output<T>) => new Promise<T>(resolve => o.apply(resolve));

describe("the etl example", function () {
    this.timeout(60_000);
    let program: { stateMachineArn: pulumi.Output<string> };

    before(() => {
        // Only now: the program must register its resources under the mocks set above.
        program = require("../index");
    });

    it("composes extract, transform and a Map of load into one state machine", async () => {
        const arn = await unwrap(program.stateMachineArn);
        assert.match(arn, /:stateMachine:/);
        const machine = declared.find(r => r.type === "aws:sfn/stateMachine:StateMachine")!;
        const definition = JSON.parse(machine.inputs.definition);
        assert.deepStrictEqual(Object.keys(definition.States).sort(), [
            "done",
            "failed",
            "load-each",
            "run-extract",
            "run-transform",
            "unwrap-extract",
            "unwrap-transform",
        ]);
        assert.strictEqual(definition.States["load-each"].ItemProcessor.StartAt, "run-load");
        assert.deepStrictEqual(definition.States["run-transform"].Parameters, { "rows.$": "$.extracted.rows" });
    });

    it("shares one network and ECS cluster, and builds one worker image per architecture", () => {
        const count = (type: string) => declared.filter(r => r.type === type).length;
        assert.deepStrictEqual([count("aws:ec2/vpc:Vpc"), count("aws:ecs/cluster:Cluster")], [1, 1]);
        const platforms = declared.filter(r => r.type === "awsx:ecr:Image").map(r => r.inputs.platform);
        assert.deepStrictEqual(platforms.sort(), ["linux/amd64", "linux/arm64"]);
    });

    it("sizes each step's task on its own", () => {
        const sizes = declared
            .filter(r => r.type === "aws:ecs/taskDefinition:TaskDefinition")
            .map(r => [r.name, r.inputs.cpu, r.inputs.memory, r.inputs.runtimePlatform.cpuArchitecture]);
        assert.deepStrictEqual(sizes.sort(), [
            ["extract-task", "256", "512", "ARM64"],
            ["load-task", "512", "1024", "X86_64"],
            ["transform-task", "2048", "8192", "X86_64"],
        ]);
    });
});
