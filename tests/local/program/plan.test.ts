// The offline plan: tree rendering and archive reading as pure functions, then the CLI spawned on
// a fixture project (one project per process, since Pulumi's mocks are global).
import * as assert from "assert";
import { spawn } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { archiveEntries, archiveFiles } from "../../../local/program/lambda-archive";
import { createLambdaRunner } from "../../../local/lambda/runner";
import { DeclaredResource } from "../../../local/program/mocks";
import { renderOutputs, renderResourceTree, resourceTreeRows } from "../../../local/program/plan";
import { TS_REGISTER } from "../../helpers/dev-stack";

const ROOT = path.resolve(__dirname, "../../..");
const FIXTURE = path.join(ROOT, "tests/fixtures/plan-project");

function resource(type: string, name: string, parent?: string): DeclaredResource {
    return { urn: `urn:${type}::${name}`, type, name, parent, custom: true, inputs: {}, state: {} };
}

describe("offline plan: rendering (pure)", () => {
    const resources = [
        resource("my:index:Block", "block"),
        resource("aws:iam/role:Role", "role", "urn:my:index:Block::block"),
        resource("aws:sfn/activity:Activity", "activity"),
        resource("aws:lambda/function:Function", "fn", "urn:my:index:Block::block"),
        resource("aws:ecs/cluster:Cluster", "orphan", "urn:not-declared"),
    ];

    it("orders resources depth-first under the stack, children in declaration order", () => {
        const rows = resourceTreeRows({ project: "p", stack: "dev", resources });
        assert.deepStrictEqual(
            rows.map(r => `${r.depth} ${r.name}`),
            ["0 p-dev", "1 block", "2 role", "2 fn", "1 activity", "1 orphan"],
        );
    });

    it("renders an aligned table with types indented by parent", () => {
        const text = renderResourceTree({ project: "p", stack: "dev", resources });
        const lines = text.split("\n");
        assert.match(lines[0], /^TYPE\s+NAME$/);
        assert.strictEqual(
            lines[1].trimEnd(),
            "pulumi:pulumi:Stack" + " ".repeat(lines[1].indexOf("p-dev") - "pulumi:pulumi:Stack".length) + "p-dev",
        );
        assert.ok(lines[3].startsWith("    aws:iam/role:Role "), lines[3]);
        const nameColumn = new Set(lines.slice(1, 7).map(line => line.search(/\S+$/)));
        assert.strictEqual(nameColumn.size, 1, "names aligned");
        assert.match(text, /\n5 resources\n$/);
    });

    it("renders outputs with strings bare and other values as JSON", () => {
        assert.strictEqual(renderOutputs({ arn: "arn:x", n: { a: 1 } }), 'Outputs:\n  arn  arn:x\n  n    {"a":1}\n');
        assert.strictEqual(renderOutputs({}), "");
    });
});

describe("offline plan: reading a code archive", () => {
    it("reads text assets (also still-pending promises) and lists folders", async () => {
        const archive = new pulumi.asset.AssetArchive({
            "__index.js": new pulumi.asset.StringAsset("exports.handler = async () => 1;"),
            "lib/util.js": new pulumi.asset.StringAsset(Promise.resolve("module.exports = 2;") as any),
            "node_modules/@aws-sdk/client-ecs": new pulumi.asset.FileArchive("node_modules/@aws-sdk/client-ecs"),
            nested: new pulumi.asset.AssetArchive({ "a.txt": new pulumi.asset.StringAsset("A") }),
        });
        assert.deepStrictEqual(await archiveFiles(archive), {
            "__index.js": "exports.handler = async () => 1;",
            "lib/util.js": "module.exports = 2;",
            "nested/a.txt": "A",
        });
        const entries = await archiveEntries(archive);
        assert.deepStrictEqual(
            entries.find(e => e.kind === "directory"),
            { name: "node_modules/@aws-sdk/client-ecs", kind: "directory", path: "node_modules/@aws-sdk/client-ecs" },
        );
    });

    it("reads the wire form too, and refuses what is not an archive", async () => {
        const wire = {
            "4dabf18193072939515e22adb298388d": "0def7320c3a5731c473e5ecbe6d01bc7",
            assets: {
                "__index.js": { "4dabf18193072939515e22adb298388d": "c44067f5952c0a294b673a41bacd8c17", text: "x" },
            },
        };
        assert.deepStrictEqual(await archiveFiles(wire), { "__index.js": "x" });
        await assert.rejects(archiveFiles({ text: "x" }), /not a Pulumi archive/);
    });
});

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, ["-r", TS_REGISTER, "local/cli/plan.ts", ...args], {
            cwd: ROOT,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", chunk => (stdout += chunk));
        child.stderr.on("data", chunk => (stderr += chunk));
        const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
        child.on("error", reject);
        child.on("close", code => {
            clearTimeout(timer);
            resolve({ code, stdout, stderr });
        });
    });
}

describe("offline plan: the CLI on a fixture project", function () {
    this.timeout(90_000);

    it("prints the resource tree and the stack outputs", async () => {
        const { code, stdout, stderr } = await runCli(["--project", FIXTURE, "--stack", "dev"]);
        assert.strictEqual(code, 0, stderr);
        const lines = stdout.split("\n");
        assert.match(lines[1], /^pulumi:pulumi:Stack\s+plan-fixture-dev$/);
        assert.match(lines[2], /^ {2}fixture:index:Pipeline\s+pipeline$/);
        for (const [type, name] of [
            ["aws:sfn/activity:Activity", "pipeline-activity"],
            ["aws:iam/role:Role", "pipeline-role"],
            ["aws:lambda/function:Function", "greeter"],
        ]) {
            assert.ok(
                lines.some(line => new RegExp(`^ {4}${type}\\s+${name}$`).test(line)),
                `${type} ${name} under the component:\n${stdout}`,
            );
        }
        assert.match(stdout, /\n {2}activityArn\s+arn:aws:states:eu-west-1:000000000000:activity:pipeline-activity\n/);
    });

    it("--json: one JSON document with every resource's inputs, the Lambda code as text, and the outputs", async () => {
        const { code, stdout, stderr } = await runCli(["--project", FIXTURE, "--json"]);
        assert.strictEqual(code, 0, stderr);
        const doc = JSON.parse(stdout); // throws if anything else reached standard output
        assert.match(stderr, /plan-fixture: evaluating/, "the program's own output went to standard error");
        assert.deepStrictEqual([doc.project, doc.stack], ["plan-fixture", "dev"]);
        const byName = Object.fromEntries(doc.resources.map((r: any) => [r.name, r]));
        assert.deepStrictEqual(Object.keys(byName).sort(), [
            "greeter",
            "pipeline",
            "pipeline-activity",
            "pipeline-role",
        ]);
        assert.strictEqual(byName.pipeline.parent, null);
        for (const child of ["pipeline-activity", "pipeline-role", "greeter"])
            assert.strictEqual(byName[child].parent, byName.pipeline.urn);
        const fn = byName.greeter.inputs;
        assert.strictEqual(fn.runtime, "nodejs20.x");
        assert.strictEqual(fn.role, "arn:aws:iam::000000000000:role/pipeline-role-" + fn.role.split("-").pop());
        assert.strictEqual(fn.handler, "__index.handler");
        assert.deepStrictEqual(
            fn.environment,
            { variables: { GREETING: "hi from dev" } },
            "stack file overrides the Pulumi.yaml default",
        );
        assert.match(fn.code["__index.js"], /exports\.handler = /);
        assert.match(fn.code["__index.js"], /process\.env\.GREETING/);
        assert.strictEqual(
            JSON.parse(byName["pipeline-role"].inputs.assumeRolePolicy).Statement[0].Principal.Service,
            "lambda.amazonaws.com",
        );
        assert.deepStrictEqual(doc.outputs, {
            activityArn: "arn:aws:states:eu-west-1:000000000000:activity:pipeline-activity",
            functionName: doc.outputs.functionName,
            settings: { greeting: "hi from dev", region: "eu-west-1" },
        });
        assert.match(doc.outputs.functionName, /^greeter-[0-9a-f]{7}$/);

        // The planned code is the code Lambda would run: run it.
        const runner = createLambdaRunner({ output: () => undefined });
        try {
            const result = await runner.invoke(
                { functionName: "greeter", code: fn.code["__index.js"], environment: fn.environment.variables },
                { name: "plan" },
            );
            assert.deepStrictEqual(result.ok && result.result, { message: "hi from dev, plan" });
        } finally {
            await runner.close();
        }
    });

    it("exits 1 with the program's error when it fails under the offline engine", async () => {
        const started = Date.now();
        const { code, stdout, stderr } = await runCli(["--project", path.join(FIXTURE, "broken"), "--json"]);
        assert.strictEqual(code, 1);
        assert.strictEqual(stdout, "");
        assert.match(stderr, /the program failed: .*no mock for invoke aws:ec2\/getVpc:getVpc/);
        assert.ok(Date.now() - started < 30_000, "fails at once, not at the settle timeout");
    });

    it("exits 2 with a clear message for a missing project, a missing stack file or an unknown flag", async () => {
        const missingProject = await runCli(["--project", path.join(FIXTURE, "nope")]);
        assert.strictEqual(missingProject.code, 2);
        assert.match(missingProject.stderr, /no Pulumi\.yaml in .*nope/);
        assert.strictEqual(missingProject.stdout, "");
        const missingStack = await runCli(["--project", FIXTURE, "--stack", "prod", "--json"]);
        assert.strictEqual(missingStack.code, 2);
        assert.match(missingStack.stderr, /Pulumi\.prod\.yaml/);
        assert.strictEqual(missingStack.stdout, "");
        const unknown = await runCli(["--verbose"]);
        assert.strictEqual(unknown.code, 2);
        assert.match(unknown.stderr, /unknown argument --verbose/);
    });
});
