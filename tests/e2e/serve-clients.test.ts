// A script written against AWS runs unchanged against `npm start -- --serve` with only the printed
// environment (plus HOME, an empty folder, and PATH): the AWS SDK for JavaScript v3, and botocore's
// clients (boto3, AWS CLI v1) when this machine has a version that reads AWS_ENDPOINT_URL_<SERVICE>.
// Each drives StartExecution, DescribeExecution, GetExecutionHistory, DescribeStateMachine and the
// ECS read calls.
import * as assert from "assert";
import { spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../helpers/dev-stack";
import { Serving, serveWithNpm } from "../helpers/npm-serve";

/** What every client reports back, as JSON on its standard output. */
interface Report {
    status: string;
    output: string;
    historyTypes: string[];
    logging: { level: string; includeExecutionData: boolean };
    tracing: boolean;
    clusters: string[];
    cluster: string;
    taskDefinitions: string[];
    taskDefinition: string;
}

const SDK_V3 = `
const sfn = require("@aws-sdk/client-sfn"), ecs = require("@aws-sdk/client-ecs");
(async () => {
    const env = process.env, s = new sfn.SFNClient({}), e = new ecs.ECSClient({});
    const { executionArn } = await s.send(new sfn.StartExecutionCommand({ stateMachineArn: env.STATE_MACHINE_ARN, input: process.argv[1] }));
    let d;
    do { await new Promise(r => setTimeout(r, 100)); d = await s.send(new sfn.DescribeExecutionCommand({ executionArn })); } while (d.status === "RUNNING");
    const history = await s.send(new sfn.GetExecutionHistoryCommand({ executionArn }));
    const machine = await s.send(new sfn.DescribeStateMachineCommand({ stateMachineArn: env.STATE_MACHINE_ARN }));
    console.log(JSON.stringify({
        status: d.status, output: d.output, historyTypes: history.events.map(x => x.type),
        logging: { level: machine.loggingConfiguration.level, includeExecutionData: machine.loggingConfiguration.includeExecutionData },
        tracing: machine.tracingConfiguration.enabled,
        clusters: (await e.send(new ecs.ListClustersCommand({}))).clusterArns,
        cluster: (await e.send(new ecs.DescribeClustersCommand({ clusters: [env.ECS_CLUSTER] }))).clusters[0].clusterArn,
        taskDefinitions: (await e.send(new ecs.ListTaskDefinitionsCommand({}))).taskDefinitionArns,
        taskDefinition: (await e.send(new ecs.DescribeTaskDefinitionCommand({ taskDefinition: env.TASK_DEFINITION_ARN }))).taskDefinition.taskDefinitionArn,
    }));
})().catch(err => { console.error(err); process.exit(1); });
`;

const BOTO3 = `
import json, os, sys, time, boto3
env = os.environ
s, e = boto3.client("stepfunctions"), boto3.client("ecs")
arn = s.start_execution(stateMachineArn=env["STATE_MACHINE_ARN"], input=sys.argv[1])["executionArn"]
d = s.describe_execution(executionArn=arn)
while d["status"] == "RUNNING":
    time.sleep(0.1)
    d = s.describe_execution(executionArn=arn)
machine = s.describe_state_machine(stateMachineArn=env["STATE_MACHINE_ARN"])
print(json.dumps({
    "status": d["status"], "output": d.get("output"),
    "historyTypes": [x["type"] for x in s.get_execution_history(executionArn=arn)["events"]],
    "logging": {k: machine["loggingConfiguration"][k] for k in ("level", "includeExecutionData")},
    "tracing": machine["tracingConfiguration"]["enabled"],
    "clusters": e.list_clusters()["clusterArns"],
    "cluster": e.describe_clusters(clusters=[env["ECS_CLUSTER"]])["clusters"][0]["clusterArn"],
    "taskDefinitions": e.list_task_definitions()["taskDefinitionArns"],
    "taskDefinition": e.describe_task_definition(taskDefinition=env["TASK_DEFINITION_ARN"])["taskDefinition"]["taskDefinitionArn"],
}))
`;

/** A Python with boto3 and botocore ≥ 1.31 (the first to read AWS_ENDPOINT_URL_<SERVICE>), or why not. */
function findBotocore(): { python: string; versions: string; awscli: boolean } | { reason: string } {
    const probe = spawnSync(
        "python3",
        [
            "-c",
            "import sys, boto3, botocore\ntry:\n import awscli; cli = awscli.__version__\nexcept ImportError:\n cli = ''\nprint(sys.executable, boto3.__version__, botocore.__version__, cli)",
        ],
        { encoding: "utf8" },
    );
    if (probe.status !== 0)
        return { reason: `no python3 with boto3 (${(probe.stderr || String(probe.error)).trim().split("\n").at(-1)})` };
    const [python, boto3, botocore, awscli] = probe.stdout.trim().split(" ");
    const [major, minor] = botocore.split(".").map(Number);
    if (major < 1 || (major === 1 && minor < 31))
        return { reason: `botocore ${botocore} is older than 1.31.0, which reads AWS_ENDPOINT_URL_<SERVICE>` };
    return { python, versions: `boto3 ${boto3}, botocore ${botocore}, awscli ${awscli || "absent"}`, awscli: !!awscli };
}

function skip(test: Mocha.Context, reason: string): never {
    process.stderr.write(`      skipped: ${reason}\n`);
    test.skip();
}

describe("npm start --serve with real clients and only the printed environment", function () {
    this.timeout(180_000);
    let serving: Serving;
    let home: string;
    const clean = (printed: Record<string, string>) => ({ ...printed, HOME: home, PATH: process.env.PATH! });
    const input = (echo: string) => JSON.stringify({ echo, durationMs: 50 });
    const run = (command: string, args: string[], env: Record<string, string>): SpawnSyncReturns<string> =>
        spawnSync(command, args, { cwd: PROJECT_DIR, env, encoding: "utf8", timeout: 90_000 });

    before(async () => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "serve-clients-home-"));
        serving = await serveWithNpm();
    });

    after(async () => {
        if (serving) {
            serving.npm.kill("SIGTERM");
            await new Promise(r => (serving.npm.exitCode !== null ? r(undefined) : serving.npm.once("exit", r)));
        }
        fs.rmSync(home, { recursive: true, force: true });
    });

    function check(report: Report, echo: string): void {
        const { env } = serving;
        assert.strictEqual(report.status, "SUCCEEDED");
        assert.deepStrictEqual(JSON.parse(report.output), { result: "ecs done", echo });
        assert.strictEqual(report.historyTypes[0], "ExecutionStarted");
        assert.strictEqual(report.historyTypes.at(-1), "ExecutionSucceeded");
        assert.deepStrictEqual(report.logging, { level: "ALL", includeExecutionData: true });
        assert.strictEqual(report.tracing, true);
        assert.deepStrictEqual([report.clusters, report.cluster], [[env.ECS_CLUSTER_ARN], env.ECS_CLUSTER_ARN]);
        assert.deepStrictEqual(report.taskDefinitions, [env.TASK_DEFINITION_ARN]);
        assert.strictEqual(report.taskDefinition, env.TASK_DEFINITION_ARN);
    }

    it("the AWS SDK for JavaScript v3", () => {
        const r = run(process.execPath, ["-e", SDK_V3, input("sdk-v3")], clean(serving.env));
        assert.strictEqual(r.status, 0, r.stderr);
        check(JSON.parse(r.stdout), "sdk-v3");
    });

    it("boto3 (botocore)", function () {
        const found = findBotocore();
        if ("reason" in found) skip(this, found.reason);
        process.stderr.write(`      with ${found.versions} (${found.python})\n`);
        const r = run(found.python, ["-c", BOTO3, input("boto3")], clean(serving.env));
        assert.strictEqual(r.status, 0, r.stderr);
        check(JSON.parse(r.stdout), "boto3");
        // Without AWS_DEFAULT_REGION (what --serve printed before), botocore finds no region.
        const withoutDefault = Object.fromEntries(
            Object.entries(serving.env).filter(([name]) => name !== "AWS_DEFAULT_REGION"),
        );
        const bare = run(found.python, ["-c", BOTO3, input("x")], clean(withoutDefault));
        assert.match(bare.stderr, /NoRegionError/);
    });

    it("the AWS CLI v1 (botocore)", function () {
        const found = findBotocore();
        if ("reason" in found) skip(this, found.reason);
        if (!found.awscli) skip(this, `no awscli package beside ${found.versions}`);
        const env = clean(serving.env);
        const aws = (...args: string[]) => {
            const r = run(found.python, ["-m", "awscli", ...args, "--output", "json"], env);
            assert.strictEqual(r.status, 0, `aws ${args.join(" ")}: ${r.stderr}`);
            return JSON.parse(r.stdout);
        };
        const stateMachineArn = serving.env.STATE_MACHINE_ARN;
        const { executionArn } = aws(
            "stepfunctions",
            "start-execution",
            "--state-machine-arn",
            stateMachineArn,
            "--input",
            input("cli"),
        );
        let d;
        do d = aws("stepfunctions", "describe-execution", "--execution-arn", executionArn);
        while (d.status === "RUNNING");
        const history = aws("stepfunctions", "get-execution-history", "--execution-arn", executionArn);
        const machine = aws("stepfunctions", "describe-state-machine", "--state-machine-arn", stateMachineArn);
        check(
            {
                status: d.status,
                output: d.output,
                historyTypes: history.events.map((e: any) => e.type),
                logging: {
                    level: machine.loggingConfiguration.level,
                    includeExecutionData: machine.loggingConfiguration.includeExecutionData,
                },
                tracing: machine.tracingConfiguration.enabled,
                clusters: aws("ecs", "list-clusters").clusterArns,
                cluster: aws("ecs", "describe-clusters", "--clusters", serving.env.ECS_CLUSTER).clusters[0].clusterArn,
                taskDefinitions: aws("ecs", "list-task-definitions").taskDefinitionArns,
                taskDefinition: aws(
                    "ecs",
                    "describe-task-definition",
                    "--task-definition",
                    serving.env.TASK_DEFINITION_ARN,
                ).taskDefinition.taskDefinitionArn,
            },
            "cli",
        );
    });
});
