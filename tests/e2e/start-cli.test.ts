// `npm start` as a user runs it: its output, exit codes, --serve with an external worker, and
// that nothing it started outlives it.
import * as assert from "assert";
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as path from "path";
import { SFNClient, DescribeExecutionCommand, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { PROJECT_DIR, TS_REGISTER } from "../helpers/dev-stack";
import { waitUntilNoProcess, LAMBDA_HOST_PROCESS, WORKER_PROCESS } from "../helpers/processes";

const CLI = path.join(PROJECT_DIR, "local", "cli", "start.ts");
const BUNDLE = path.join(PROJECT_DIR, "worker-image", "dist", "worker.js");

interface Run {
    code: number | null;
    stdout: string;
    stderr: string;
}

function start(args: string[]): ChildProcess {
    return spawn(process.execPath, ["-r", TS_REGISTER, CLI, ...args], {
        cwd: PROJECT_DIR,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
}

function run(args: string[], timeoutMs = 90_000): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = start(args);
        let stdout = "";
        let stderr = "";
        child.stdout!.on("data", d => (stdout += d));
        child.stderr!.on("data", d => (stderr += d));
        const timer = setTimeout(
            () => (
                child.kill("SIGKILL"),
                reject(new Error(`npm start ${args.join(" ")} did not end in ${timeoutMs} ms`))
            ),
            timeoutMs,
        );
        child.on("close", code => (clearTimeout(timer), resolve({ code, stdout, stderr })));
    });
}

describe("npm start", function () {
    this.timeout(180_000);

    afterEach(async () => {
        assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), [], "no worker left");
        assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), [], "no Lambda process left");
    });

    it("--json prints exactly one JSON document shaped like DescribeExecution plus history, and exits 0", async () => {
        const r = await run(["--json", "--input", '{"echo":"cli","durationMs":100}']);
        assert.strictEqual(r.code, 0, r.stderr);
        const doc = JSON.parse(r.stdout);
        assert.strictEqual(r.stdout.trim().split("\n").length, 1, "one line, nothing else on stdout");
        assert.deepStrictEqual(Object.keys(doc), ["status", "output", "error", "cause", "history", "cost"]);
        assert.ok(doc.cost.totalUsd > 0, "the execution's cost in AWS");
        assert.ok(Math.abs(doc.cost.items.reduce((s: number, i: any) => s + i.usd, 0) - doc.cost.totalUsd) < 1e-12);
        for (const item of ["Fargate vCPU (X86_64, FARGATE)", "Step Functions state transitions", "Public IPv4"])
            assert.ok(
                doc.cost.items.some((i: any) => i.item === item),
                item,
            );
        assert.strictEqual(doc.status, "SUCCEEDED");
        assert.strictEqual(doc.output, JSON.stringify({ result: "ecs done", echo: "cli" }));
        assert.strictEqual(doc.error, null);
        assert.deepStrictEqual(doc.history[0].id, 1);
        assert.deepStrictEqual(doc.history[0].previousEventId, 0);
        assert.strictEqual(doc.history[0].type, "ExecutionStarted");
        assert.match(doc.history[0].timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        assert.strictEqual(doc.history.at(-1).type, "ExecutionSucceeded");
        assert.match(r.stderr, /task\.finished/, "worker logs go to standard error");
    });

    it("shows the history as a table and exits 1 when the execution fails", async () => {
        const r = await run(["--input", '{"durationMs":10,"failWith":"Job.Broken"}']);
        assert.strictEqual(r.code, 1);
        assert.match(r.stdout, /^\s+ID\s+ELAPSED\s+TYPE\s+STATE\s+DETAIL$/m);
        assert.match(r.stdout, /^\s+1\s+0\.000s\s+ExecutionStarted/m);
        assert.match(r.stdout, /ActivityFailed\s+execute-ecs\s+Job\.Broken/);
        assert.match(r.stdout, /ParallelStateFailed\s+run-ecs/, "the Parallel's failure names the Parallel");
        assert.match(r.stdout, /ExecutionFailed\s{2,}Job\.Broken/, "the execution's end names no state");
        assert.match(r.stdout, /^status\s+FAILED$/m);
        assert.ok(!r.stdout.includes("\x1b["), "piped output: the rows alone, no line drawn in place");
        assert.match(r.stdout, /^error\s+Job\.Broken$/m);
        assert.match(r.stdout, /^cost in AWS \(forecast\)$/m, "the table ends with the cost");
        assert.match(r.stdout, /^\s+total\s+\$[\d.e-]+$/m);
    });

    it("on a terminal, a line under the table says what the execution waits on and for how long", async function () {
        // `script` (util-linux) runs npm start on a pseudo-terminal, as a user's shell would.
        if (spawnSync("script", ["--version"]).status !== 0) this.skip();
        const command = `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true ${process.execPath} -r ${TS_REGISTER} ${CLI} --input '{"durationMs":2500}'`;
        const r = spawnSync("script", ["-qec", command, "/dev/null"], {
            cwd: PROJECT_DIR,
            encoding: "utf8",
            timeout: 90_000,
        });
        assert.strictEqual(r.status, 0, r.stdout);
        const shown = r.stdout.replaceAll("\x1b", "<ESC>");
        const waits = [...shown.matchAll(/\r<ESC>\[2K {2}… (\d+\.\d)s {2}execute-ecs: job running on worker \w+/g)];
        assert.ok(waits.length >= 3, `the job's wait was shown and updated: ${JSON.stringify(shown.slice(-600))}`);
        const seconds = waits.map(m => Number(m[1]));
        assert.ok(seconds.at(-1)! > seconds[0] && seconds.at(-1)! >= 1.5, `the time grows: ${seconds.join(", ")}`);
        assert.match(shown, /\r<ESC>\[2K\s+\d+\s+[\d.]+s\s+ActivitySucceeded/, "the line gives way to the next row");
        assert.match(r.stdout, /^status\s+SUCCEEDED/m);
    });

    it("exits 2 with a message for bad usage (the parser's cases are unit-tested)", async () => {
        for (const [args, message] of [
            [["--input", "{nope"], /--input is not valid JSON/],
            [["--project", "/nonexistent"], /no Pulumi\.yaml/],
        ] as const) {
            const r = await run([...args]);
            assert.strictEqual(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
            assert.match(r.stderr, message);
            assert.strictEqual(r.stdout, "");
        }
    });

    it("--help documents every flag", async () => {
        const r = await run(["--help"]);
        assert.strictEqual(r.code, 0);
        for (const flag of [
            "--input",
            "--json",
            "--serve",
            "--port",
            "--external-workers",
            "--project",
            "--stack",
            "--docker",
            "--logs",
            "--config",
            "--fargate-timing",
            "--fargate-seed",
            "--fargate-time-scale",
            "--spot-interruptions",
            "UNTESTED",
        ])
            assert.ok(r.stdout.includes(flag), flag);
    });

    it("--serve --external-workers serves a worker started by hand, and Ctrl-C ends everything", async () => {
        const serve = start(["--serve", "--external-workers"]);
        let stdout = "";
        serve.stdout!.on("data", d => (stdout += d));
        let stderr = "";
        serve.stderr!.on("data", d => (stderr += d));
        const env: Record<string, string> = {};
        const deadline = Date.now() + 60_000;
        // ACTIVITY_ARN_ECS is the last line printed.
        while (!("ACTIVITY_ARN_ECS" in env)) {
            if (Date.now() > deadline) throw new Error(`no export lines: ${stdout}\n${stderr}`);
            await new Promise(r => setTimeout(r, 100));
            for (const m of stdout.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2];
        }
        // Issue 13 added AWS_DEFAULT_REGION (botocore reads only it) and the ECS names a script needs.
        assert.deepStrictEqual(Object.keys(env).sort(), [
            "ACTIVITY_ARN",
            "ACTIVITY_ARN_ECS",
            "AWS_ACCESS_KEY_ID",
            "AWS_DEFAULT_REGION",
            "AWS_ENDPOINT_URL_ECS",
            "AWS_ENDPOINT_URL_SFN",
            "AWS_REGION",
            "AWS_SECRET_ACCESS_KEY",
            "ECS_CLUSTER",
            "ECS_CLUSTER_ARN",
            "STATE_MACHINE_ARN",
            "TASK_DEFINITION_ARN",
            "TASK_DEFINITION_ARN_ECS",
        ]);
        const sfn = new SFNClient({
            region: env.AWS_REGION,
            endpoint: env.AWS_ENDPOINT_URL_SFN,
            credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
        });
        try {
            const { executionArn } = await sfn.send(
                new StartExecutionCommand({
                    stateMachineArn: env.STATE_MACHINE_ARN,
                    input: '{"echo":"by hand","durationMs":50}',
                }),
            );
            // The external worker plays the container: the endpoints' environment and nothing else.
            const worker = spawn(process.execPath, [BUNDLE], {
                env: {
                    PATH: process.env.PATH,
                    ...env,
                    WORKER_NAME: "by-hand",
                    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
                } as any,
                stdio: "ignore",
            });
            const exit = new Promise(r => worker.on("close", r));
            // The execution's own minute, apart from the start-up's: on a loaded machine the
            // start-up alone can take most of a shared one.
            const runDeadline = Date.now() + 60_000;
            let d;
            do {
                await new Promise(r => setTimeout(r, 100));
                d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
            } while (d.status === "RUNNING" && Date.now() < runDeadline);
            assert.strictEqual(d.status, "SUCCEEDED", `${d.error} ${d.cause}`);
            assert.strictEqual(d.output, JSON.stringify({ result: "ecs done", echo: "by hand" }));
            assert.strictEqual(await exit, 0);
        } finally {
            sfn.destroy();
            serve.kill("SIGINT");
        }
        const code = await new Promise(r => serve.on("close", r));
        assert.strictEqual(code, 0);
        assert.match(stderr, /^cost \$[\d.e-]+ \(forecast\) for arn:aws:states:/m, "a cost summary per execution");
    });
});
