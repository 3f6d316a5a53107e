// The environment `npm start -- --serve` prints: every SDK family's region, endpoint and
// credential variables (the table in local/stack/sdk-environment.ts), and the names a script needs.
import * as assert from "assert";
import { clientEnvironment, exportLine, variableSuffix } from "../../../local/stack/client-environment";
import { DeclaredWorld, readDeclaredWorld } from "../../../local/stack/declared-world";
import { missingFor, SDK_FAMILIES } from "../../../local/stack/sdk-environment";
import { devStack } from "../../helpers/dev-stack";

const ENDPOINTS = {
    region: "eu-west-1",
    sfnUrl: "http://127.0.0.1:4101",
    ecsUrl: "http://127.0.0.1:4102",
    stateMachineArn: "arn:aws:states:eu-west-1:000000000000:stateMachine:etl",
};

function world(steps: { name: string; td?: boolean }[], clusters = ["shared-cluster"]): DeclaredWorld {
    const arn = (kind: string, name: string) => `arn:aws:states:eu-west-1:000000000000:${kind}:${name}`;
    return {
        activityArns: steps.map(s => arn("activity", s.name)),
        steps: steps.map(s => ({
            name: s.name,
            activityArn: arn("activity", s.name),
            taskDefinitionArn:
                s.td === false ? undefined : `arn:aws:ecs:eu-west-1:000000000000:task-definition/${s.name}:1`,
        })),
        functions: [],
        stateMachines: [],
        clusters: clusters.map(name => ({ name, arn: `arn:aws:ecs:eu-west-1:000000000000:cluster/${name}` })),
        taskDefinitions: [],
        images: [],
        tables: [],
        eventRules: [],
    };
}

describe("the printed client environment", () => {
    it("satisfies every SDK family of the table with the dev stack's lines", async () => {
        const stack = await devStack();
        const env = clientEnvironment(readDeclaredWorld(stack.resources), ENDPOINTS);
        for (const family of SDK_FAMILIES) assert.deepStrictEqual(missingFor(family, env), [], family.name);
        assert.strictEqual(env.AWS_REGION, "eu-west-1");
        assert.strictEqual(env.AWS_DEFAULT_REGION, "eu-west-1", "botocore (boto3, AWS CLI v1) reads only this one");
        assert.strictEqual(env.AWS_ENDPOINT_URL_SFN, ENDPOINTS.sfnUrl);
        assert.strictEqual(env.AWS_ENDPOINT_URL_ECS, ENDPOINTS.ecsUrl);
        assert.ok(!("AWS_ENDPOINT_URL" in env), "the global endpoint would send every other service here too");
        const activity = stack.one("aws:sfn/activity:Activity").state.arn;
        const cluster = stack.one("aws:ecs/cluster:Cluster").state;
        const taskDefinition = stack.one("aws:ecs/taskDefinition:TaskDefinition").state.arn;
        assert.deepStrictEqual(
            {
                ACTIVITY_ARN: env.ACTIVITY_ARN,
                ACTIVITY_ARN_ECS: env.ACTIVITY_ARN_ECS,
                ECS_CLUSTER: env.ECS_CLUSTER,
                ECS_CLUSTER_ARN: env.ECS_CLUSTER_ARN,
                TASK_DEFINITION_ARN: env.TASK_DEFINITION_ARN,
                TASK_DEFINITION_ARN_ECS: env.TASK_DEFINITION_ARN_ECS,
                STATE_MACHINE_ARN: env.STATE_MACHINE_ARN,
            },
            {
                ACTIVITY_ARN: activity,
                ACTIVITY_ARN_ECS: activity,
                ECS_CLUSTER: cluster.name,
                ECS_CLUSTER_ARN: cluster.arn,
                TASK_DEFINITION_ARN: taskDefinition,
                TASK_DEFINITION_ARN_ECS: taskDefinition,
                STATE_MACHINE_ARN: ENDPOINTS.stateMachineArn,
            },
        );
    });

    it("the table catches what a family lacks (a missing region variable, endpoint or key)", () => {
        const env = clientEnvironment(world([{ name: "ecs" }]), ENDPOINTS);
        const botocore = SDK_FAMILIES.find(f => f.name.startsWith("botocore"))!;
        const js = SDK_FAMILIES.find(f => f.name.includes("JavaScript"))!;
        const without = (...names: string[]) =>
            Object.fromEntries(Object.entries(env).filter(([name]) => !names.includes(name)));
        assert.deepStrictEqual(missingFor(botocore, without("AWS_DEFAULT_REGION")), ["a region (AWS_DEFAULT_REGION)"]);
        assert.deepStrictEqual(missingFor(js, without("AWS_REGION")), ["a region (AWS_REGION)"]);
        assert.deepStrictEqual(missingFor(js, without("AWS_ENDPOINT_URL_ECS", "AWS_SECRET_ACCESS_KEY")), [
            "AWS_ENDPOINT_URL_ECS",
            "AWS_SECRET_ACCESS_KEY",
        ]);
    });

    it("names each step's activity and task definition after the step, as valid shell variables", () => {
        const env = clientEnvironment(
            world([
                { name: "extract" },
                { name: "transform" },
                { name: "load-each" },
                { name: "load.each", td: false },
            ]),
            ENDPOINTS,
        );
        assert.ok(!("ACTIVITY_ARN" in env), "several steps: no unqualified ACTIVITY_ARN");
        assert.ok(!("TASK_DEFINITION_ARN" in env));
        assert.deepStrictEqual(
            Object.keys(env).filter(k => k.startsWith("ACTIVITY_ARN")),
            ["ACTIVITY_ARN_EXTRACT", "ACTIVITY_ARN_TRANSFORM", "ACTIVITY_ARN_LOAD_EACH", "ACTIVITY_ARN_LOAD_EACH_2"],
        );
        assert.strictEqual(env.ACTIVITY_ARN_LOAD_EACH_2, "arn:aws:states:eu-west-1:000000000000:activity:load.each");
        assert.deepStrictEqual(
            Object.keys(env).filter(k => k.startsWith("TASK_DEFINITION_ARN")),
            ["TASK_DEFINITION_ARN_EXTRACT", "TASK_DEFINITION_ARN_TRANSFORM", "TASK_DEFINITION_ARN_LOAD_EACH"],
        );
        for (const name of Object.keys(env)) assert.match(name, /^[A-Za-z_][A-Za-z0-9_]*$/);
        assert.strictEqual(variableSuffix("9-lives"), "9_LIVES");
        assert.strictEqual(variableSuffix("--"), "STEP");
    });

    it("prints one variable per cluster when the stack has several", () => {
        const env = clientEnvironment(world([{ name: "a" }], ["blue", "green"]), ENDPOINTS);
        assert.strictEqual(env.ECS_CLUSTER_BLUE, "blue");
        assert.strictEqual(env.ECS_CLUSTER_ARN_GREEN, "arn:aws:ecs:eu-west-1:000000000000:cluster/green");
        assert.ok(!("ECS_CLUSTER" in env));
    });

    it("quotes a value for the shell only when it must", () => {
        assert.strictEqual(
            exportLine("A", "arn:aws:states:x:1:activity:a/b"),
            "export A=arn:aws:states:x:1:activity:a/b",
        );
        assert.strictEqual(exportLine("B", "it's $x"), `export B='it'\\''s $x'`);
    });
});
