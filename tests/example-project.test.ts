// The example consumer project (examples/etl), against the library installed from its packed
// tarball (see tests/helpers/install-examples.ts): its resources and ASL, its shared cluster and
// bundled worker images, its serialized trigger run from an empty folder, its type-check, and a run
// on the local runtime.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { startAwsJsonServer } from "../local/shared/aws-json-server";
import { evaluateProject } from "../local/program/plan";
import { startLocalStack } from "../local/stack/local-stack";
import { checkDefinition } from "../components/asl";
import { thirdPartyAslErrors } from "./helpers/asl-validators";
import { buildContextProblems } from "./helpers/build-context";
import { PROJECT_DIR, stackView, EvaluatedStack } from "./helpers/dev-stack";
import { archiveFiles, invokeInFolder, lambdaFolder } from "./helpers/lambda-code";
import { waitUntilNoProcess } from "./helpers/processes";
import { runOneTask } from "./helpers/worker-runs";

const EXAMPLE = path.join(PROJECT_DIR, "examples", "etl");

describe("the example consumer project (examples/etl)", function () {
    this.timeout(120_000);
    let stack: EvaluatedStack;

    before(async function () {
        if (!fs.existsSync(path.join(EXAMPLE, "node_modules", "fargate-activity-step", "package.json"))) {
            throw new Error(
                "the packed library is not installed into examples/etl: run `npm run examples:install` (npm test does it)",
            );
        }
        const plan = await evaluateProject(EXAMPLE, "dev");
        stack = stackView(plan.resources, plan.outputs);
    });

    it("uses the library from node_modules, as installed from the tarball", () => {
        // Resolved as the example's own modules resolve it (a require from this repository would find itself).
        const resolved = createRequire(path.join(EXAMPLE, "index.ts")).resolve("fargate-activity-step");
        assert.ok(
            resolved.includes(`${path.sep}node_modules${path.sep}fargate-activity-step${path.sep}dist${path.sep}`),
            resolved,
        );
        const installed = fs.readdirSync(path.join(EXAMPLE, "node_modules", "fargate-activity-step"));
        assert.deepStrictEqual(installed.sort(), ["README.md", "dist", "package.json"], "only what a consumer needs");
        assert.deepStrictEqual(
            fs.readdirSync(path.join(EXAMPLE, "node_modules", "fargate-activity-step", "dist")).sort(),
            ["components", "functions", "worker-image"],
        );
        assert.deepStrictEqual(
            fs.readdirSync(path.join(EXAMPLE, "node_modules", "fargate-activity-step", "dist", "worker-image")).sort(),
            ["Dockerfile", "lib"],
            "the worker library and the runtime-only Dockerfile of bundled workers",
        );
    });

    it("shares one network, ECS cluster and repository among its steps, with one image per architecture", () => {
        const count = (type: string) => stack.ofType(type).length;
        assert.deepStrictEqual(
            [
                count("aws:ec2/vpc:Vpc"),
                count("aws:ecs/cluster:Cluster"),
                count("aws:ecr/repository:Repository"),
                count("awsx:ecr:Image"),
            ],
            [1, 1, 1, 2],
        );
        const imageOf = (step: string) =>
            JSON.parse(
                stack.one("aws:ecs/taskDefinition:TaskDefinition", `${step}-task`).inputs.containerDefinitions,
            )[0].image;
        const platformOf = (uri: string) => stack.ofType("awsx:ecr:Image").find(i => i.state.imageUri === uri)!.inputs;
        assert.strictEqual(platformOf(imageOf("extract")).platform, "linux/arm64");
        assert.strictEqual(platformOf(imageOf("transform")).platform, "linux/amd64");
        assert.strictEqual(imageOf("load"), imageOf("transform"), "transform and load share the X86_64 image");
    });

    it("bundles its worker into a context of exactly worker.js and the package's Dockerfile; the bundle runs a task", async () => {
        const contexts = [...new Set(stack.ofType("awsx:ecr:Image").map(i => i.inputs.context))];
        assert.strictEqual(contexts.length, 1, "one bundle of worker/main.ts for both architectures");
        const [context] = contexts;
        assert.ok(context.startsWith(path.join(EXAMPLE, "node_modules", ".cache")), context);
        assert.deepStrictEqual(fs.readdirSync(context).sort(), ["Dockerfile", "worker.js"]);
        assert.strictEqual(
            fs.readFileSync(path.join(context, "Dockerfile"), "utf8"),
            fs.readFileSync(path.join(PROJECT_DIR, "worker-image", "Dockerfile"), "utf8"),
        );
        for (const image of stack.ofType("awsx:ecr:Image"))
            assert.deepStrictEqual(buildContextProblems(image.inputs.dockerfile, image.inputs.context), []);
        const run = await runOneTask(path.join(context, "worker.js"), {});
        assert.deepStrictEqual(run.outcome, { kind: "succeeded", output: JSON.stringify({ rows: [1, 2, 3] }) });
        assert.strictEqual(run.exit.code, 0, run.stderr);
    });

    it("declares three steps with distinct activities, task families and state names, in one valid definition", async () => {
        const activities = stack.ofType("aws:sfn/activity:Activity").map(a => a.inputs.name);
        assert.deepStrictEqual(activities.sort(), [
            "etl-example-dev-extract",
            "etl-example-dev-load",
            "etl-example-dev-transform",
        ]);
        assert.strictEqual(
            new Set(stack.ofType("aws:ecs/taskDefinition:TaskDefinition").map(t => t.inputs.family)).size,
            3,
        );
        const definition = JSON.parse(stack.one("aws:sfn/stateMachine:StateMachine").inputs.definition);
        assert.strictEqual(definition.States["load-each"].Type, "Map");
        assert.strictEqual(definition.States["load-each"].MaxConcurrency, 20);
        assert.deepStrictEqual(checkDefinition(definition), []);
        assert.deepStrictEqual(await thirdPartyAslErrors(definition), []);
        const invoke = JSON.parse(
            stack.ofType("aws:iam/rolePolicy:RolePolicy").find(p => p.name === "etl-role")!.inputs.policy,
        ).Statement[0];
        assert.strictEqual(
            invoke.Resource.length,
            6,
            "the state machine may invoke the three triggers (and their versions)",
        );
    });

    it("serializes a self-contained trigger from the installed library that runs from an empty folder", async () => {
        const fn = stack.one("aws:lambda/function:Function", "transform-trigger");
        const files = await archiveFiles(fn);
        assert.deepStrictEqual(Object.keys(files), ["__index.js"]);
        const requires = [...new Set([...files["__index.js"].matchAll(/require\(([^)]*)\)/g)].map(m => m[1]))];
        assert.deepStrictEqual(requires, ['"@aws-sdk/client-ecs"'], "no require of the library's own files");
        const requests: any[] = [];
        const ecs = await startAwsJsonServer({
            protocol: "1.1",
            targetPrefix: "AmazonEC2ContainerServiceV20141113",
            operations: {
                RunTask: body => (
                    requests.push(body),
                    { tasks: [], failures: [{ reason: "Capacity is unavailable at this time." }] }
                ),
            },
        });
        const folder = lambdaFolder(files["__index.js"], ["@aws-sdk/client-ecs"]);
        try {
            const out = await invokeInFolder(
                folder.dir,
                { executionArn: "arn:aws:states:us-east-1:000000000000:execution:etl:e1" },
                {
                    ...fn.inputs.environment.variables,
                    AWS_REGION: "us-east-1",
                    AWS_ACCESS_KEY_ID: "x",
                    AWS_SECRET_ACCESS_KEY: "x",
                    AWS_ENDPOINT_URL_ECS: ecs.url,
                },
            );
            assert.strictEqual(out.name, "Trigger.NoCapacity", out.stderr);
            assert.strictEqual(
                requests[0].taskDefinition,
                stack.one("aws:ecs/taskDefinition:TaskDefinition", "transform-task").state.arn,
            );
        } finally {
            folder.remove();
            await ecs.close();
        }
    });

    it("type-checks against the installed library", () => {
        execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", EXAMPLE], { stdio: "pipe" });
    });

    it("passes its own tests (mocha and Pulumi mocks, as a consumer writes them), in their own process", () => {
        const out = execFileSync(process.execPath, [require.resolve("mocha/bin/mocha.js")], {
            cwd: EXAMPLE,
            encoding: "utf8",
            env: { ...process.env, TS_NODE_PROJECT: path.join(EXAMPLE, "tsconfig.json") },
        });
        assert.match(out, /(\d+) passing/);
        assert.ok(!/failing/.test(out), out);
    });

    it("runs end to end on the local runtime, each step with the worker its image is built from", async () => {
        const bundles = new Set<string>();
        const local = await startLocalStack({
            projectDir: EXAMPLE,
            stack: "dev",
            // No --worker: each container runs the bundle the plan built into its step's image.
            containerOutput: () => undefined,
            lambdaOutput: () => undefined,
        });
        try {
            const { executionArn } = local.engine.startExecution({
                stateMachineArn: local.stateMachineArn,
                input: '{"batch":"b1"}',
            });
            const done = await local.engine.waitForExecution(executionArn);
            assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
            assert.deepStrictEqual(JSON.parse(done.output!), {
                batch: "b1",
                extracted: { rows: [1, 2, 3] },
                transformed: { files: ["part-1.csv", "part-2.csv", "part-3.csv"] },
                loaded: [{ loaded: "part-1.csv" }, { loaded: "part-2.csv" }, { loaded: "part-3.csv" }],
            });
            for (const image of local.world.images) bundles.add(path.join(image.context, "worker.js"));
            assert.strictEqual(local.world.images.length, 2, "one image per distinct worker and architecture");
            // The bundle is plain JavaScript: both architectures' images are built from one context.
            assert.strictEqual(bundles.size, 1);
        } finally {
            await local.close();
        }
        for (const bundle of bundles) assert.deepStrictEqual(await waitUntilNoProcess(bundle), []);
    });
});
