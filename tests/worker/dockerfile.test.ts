// No Docker engine here: the Dockerfiles are parsed, and their build contexts checked. The worker
// image is runtime-only: the worker is bundled on the deploying machine, so the build runs nothing
// (no RUN), which is what lets it build for either architecture without emulation.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DockerfileParser, Instruction } from "dockerfile-ast";
import { buildContextProblems, dockerignored } from "../helpers/build-context";
import { devStack, PROJECT_DIR } from "../helpers/dev-stack";
import { runOneTask } from "../helpers/worker-runs";
import { ensureWorkerBundle } from "../../scripts/build-worker";

const DOCKERFILE = path.join(PROJECT_DIR, "worker-image", "Dockerfile");
/** The context each Dockerfile of the repository is documented to build from. */
const DOCUMENTED_CONTEXTS: Record<string, string> = { "worker-image/Dockerfile": "worker-image/dist" };

const instructions = DockerfileParser.parse(fs.readFileSync(DOCKERFILE, "utf8")).getInstructions();
const of = (keyword: string) => instructions.filter(i => i.getKeyword() === keyword);
const args = (i: Instruction) => i.getArguments().map(a => a.getValue());

/** Node.js release lines with support past November 2026 (22 until 2027-04-30, 24 until 2028-04-30). */
const SUPPORTED_LTS = [22, 24];

/** Every Dockerfile in the repository, outside installed packages and build output. */
function repositoryDockerfiles(dir = PROJECT_DIR): string[] {
    const found: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        if (["node_modules", "dist", "build", ".git"].includes(entry.name)) continue;
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) found.push(...repositoryDockerfiles(full));
        else if (/(^|\.)Dockerfile$|^Dockerfile\./.test(entry.name)) found.push(full);
    }
    return found;
}

describe("worker-image/Dockerfile", () => {
    it("is one stage on a distroless Node.js LTS image without shell or package manager, as a non-root user", () => {
        const from = of("FROM");
        assert.equal(from.length, 1, "one stage: nothing is built inside the image");
        const image = args(from[0])[0];
        const m = /^gcr\.io\/distroless\/nodejs(\d+)-debian\d+:nonroot$/.exec(image);
        assert.ok(m, `${image} must be gcr.io/distroless/nodejs<major>-debian<n>:nonroot`);
        assert.ok(SUPPORTED_LTS.includes(Number(m![1])), `Node ${m![1]} is not an LTS line supported in Nov 2026`);
        const users = of("USER").map(u => (u.getArgumentsContent() ?? "").trim().split(":")[0]);
        assert.ok(users.length > 0 && !["root", "0"].includes(users[users.length - 1]), `USER ${users.join(", ")}`);
        const keywords = instructions.map(i => i.getKeyword());
        assert.ok(keywords.lastIndexOf("USER") < keywords.indexOf("CMD"), "USER comes before CMD");
    });

    it("runs nothing while building (no RUN) and copies only the bundle from its context", () => {
        assert.deepEqual(of("RUN"), []);
        assert.deepEqual(of("ADD"), []);
        assert.deepEqual(of("COPY").map(args), [["worker.js", "/app/worker.js"]]);
    });

    it("starts the bundle with the image's node (its entrypoint): an exec-form CMD of the copied file", () => {
        assert.equal(of("ENTRYPOINT").length, 0, "the distroless image's entrypoint is node");
        const cmds = of("CMD");
        assert.equal(cmds.length, 1);
        assert.deepEqual(JSON.parse(cmds[0].getArgumentsContent() ?? ""), ["/app/worker.js"]);
        assert.match(
            of("ENV")
                .map(e => e.getArgumentsContent())
                .join(" "),
            /NODE_ENV=production/,
        );
    });
});

describe("every Dockerfile of the repository and every build context the components generate", function () {
    this.timeout(120_000);

    it("a Dockerfile of the repository runs nothing and finds what it copies in its documented context", async () => {
        await ensureWorkerBundle();
        const dockerfiles = repositoryDockerfiles().map(f => path.relative(PROJECT_DIR, f).split(path.sep).join("/"));
        assert.deepEqual(dockerfiles, Object.keys(DOCUMENTED_CONTEXTS), "each Dockerfile has a documented context");
        for (const [file, context] of Object.entries(DOCUMENTED_CONTEXTS))
            assert.deepEqual(buildContextProblems(path.join(PROJECT_DIR, file), path.join(PROJECT_DIR, context)), []);
    });

    it("the dev stack's image context holds exactly worker.js and the Dockerfile, and its worker runs a task", async () => {
        const stack = await devStack();
        const images = stack.ofType("awsx:ecr:Image");
        assert.equal(images.length, 1);
        for (const { inputs } of images) {
            assert.deepEqual(fs.readdirSync(inputs.context).sort(), ["Dockerfile", "worker.js"]);
            assert.deepEqual(buildContextProblems(inputs.dockerfile, inputs.context), []);
            const run = await runOneTask(path.join(inputs.context, "worker.js"), { durationMs: 0, echo: "built" });
            assert.deepEqual(run.outcome, {
                kind: "succeeded",
                output: JSON.stringify({ result: "ecs done", echo: "built" }),
            });
            assert.equal(run.exit.code, 0, run.stderr);
        }
    });

    it("reads .dockerignore as Docker does: segments, **, folders, and ! exceptions, the last match deciding", () => {
        const lines = ["# comment", "**/node_modules", "dist", "*.log", "!keep.log", "/secret?"];
        const excluded = (file: string) => dockerignored(lines, file);
        assert.ok(excluded("node_modules/x/index.js") && excluded("a/b/node_modules"));
        assert.ok(excluded("dist/worker.js") && !excluded("src/dist.ts"));
        assert.ok(excluded("debug.log") && !excluded("keep.log") && !excluded("logs/debug.log"));
        assert.ok(excluded("secret1") && !excluded("secret12"));
        assert.ok(!excluded("worker.js"));
    });
});
