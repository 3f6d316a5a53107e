// No Docker engine here: parse worker-image/Dockerfile and check what the image must be.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DockerfileParser, Instruction } from "dockerfile-ast";

const DIR = path.resolve(__dirname, "../../worker-image");
const text = fs.readFileSync(path.join(DIR, "Dockerfile"), "utf8");
const ignore = fs
    .readFileSync(path.join(DIR, "Dockerfile.dockerignore"), "utf8")
    .split("\n")
    .map(l => l.trim())
    .filter(l => l && !l.startsWith("#"));

interface Stage {
    from: Instruction & { getImageName(): string | null; getImageTag(): string | null; getBuildStage(): string | null };
    instructions: Instruction[];
}

function stages(): Stage[] {
    const out: Stage[] = [];
    for (const ins of DockerfileParser.parse(text).getInstructions()) {
        if (ins.getKeyword() === "FROM") out.push({ from: ins as Stage["from"], instructions: [] });
        else if (out.length > 0) out[out.length - 1].instructions.push(ins);
    }
    return out;
}

const of = (stage: Stage, keyword: string) => stage.instructions.filter(i => i.getKeyword() === keyword);
const args = (i: Instruction) => i.getArguments().map(a => a.getValue());

/** Node.js release lines with support past November 2026 (22 until 2027-04-30, 24 until 2028-04-30). */
const SUPPORTED_LTS = [22, 24];

describe("worker-image/Dockerfile", () => {
    const all = stages();
    const runtime = all[all.length - 1];

    it("is multi-stage, with a named build stage that bundles the worker", () => {
        assert.ok(all.length >= 2, `expected ≥ 2 stages, got ${all.length}`);
        const build = all.find(s => s.from.getBuildStage() === "build");
        assert.ok(build, "a stage named build");
        const runs = of(build!, "RUN").map(i => i.getArgumentsContent() ?? "");
        assert.ok(
            runs.some(r => /\bnpm ci\b/.test(r)),
            "installs from the lockfile with npm ci",
        );
        assert.ok(
            runs.some(r => /npm run build:worker|esbuild/.test(r)),
            `bundles the worker (RUN lines: ${runs.join(" | ")})`,
        );
        const copies = of(build!, "COPY").flatMap(args);
        assert.ok(
            copies.includes("package-lock.json"),
            "copies the root lockfile (the build context is the repository root)",
        );
    });

    it("runtime stage: a slim Node LTS image pinned to an exact, still-supported version", () => {
        const image = runtime.from.getImageName();
        const tag = runtime.from.getImageTag() ?? "";
        assert.equal(image, "node");
        const m = /^(\d+)\.(\d+)\.(\d+)-(bookworm|trixie)-slim$/.exec(tag);
        assert.ok(m, `tag ${JSON.stringify(tag)} must be <major>.<minor>.<patch>-<debian>-slim`);
        assert.ok(SUPPORTED_LTS.includes(Number(m![1])), `Node ${m![1]} is not an LTS line supported in Nov 2026`);
        assert.notEqual(runtime.from.getBuildStage(), "build");
    });

    it("runtime stage copies only the bundle from the build stage: no node_modules, no sources", () => {
        const copies = [...of(runtime, "COPY"), ...of(runtime, "ADD")];
        assert.ok(copies.length >= 1);
        for (const c of copies) {
            const values = args(c);
            const flags = new Map(
                (c as unknown as { getFlags(): Array<{ getName(): string; getValue(): string | null }> })
                    .getFlags()
                    .map(f => [f.getName(), f.getValue()]),
            );
            assert.ok(!values.some(v => /node_modules/.test(v)), `copies node_modules: ${values.join(" ")}`);
            assert.equal(flags.get("from"), "build", `copies from the build stage only: ${values.join(" ")}`);
            const sources = values.slice(0, -1);
            assert.deepEqual(
                sources.filter(s => !/dist\/worker\.js$/.test(s)),
                [],
                `copies more than the bundle: ${sources.join(" ")}`,
            );
        }
    });

    it("runtime stage runs as a non-root user", () => {
        const users = of(runtime, "USER").map(u => (u.getArgumentsContent() ?? "").trim());
        assert.ok(users.length > 0, "has a USER instruction");
        const last = users[users.length - 1].split(":")[0];
        assert.ok(!["root", "0", ""].includes(last), `last USER is ${last}`);
        const cmdIndex = runtime.instructions.findIndex(i => i.getKeyword() === "CMD");
        const userIndex = runtime.instructions.map(i => i.getKeyword()).lastIndexOf("USER");
        assert.ok(userIndex >= 0 && userIndex < cmdIndex, "USER comes before CMD");
    });

    it("runtime stage has an exec-form CMD running the bundle with plain node", () => {
        const cmds = of(runtime, "CMD");
        assert.equal(cmds.length, 1);
        const content = (cmds[0].getArgumentsContent() ?? "").trim();
        const parsed = JSON.parse(content);
        assert.ok(Array.isArray(parsed), "exec form (a JSON array)");
        assert.equal(parsed[0], "node");
        assert.equal(parsed.length, 2, `no flags or wrapper: ${content}`);
        assert.match(parsed[1], /\/worker\.js$/);
        assert.equal(of(runtime, "ENTRYPOINT").length, 0, "no ENTRYPOINT wrapping node");
        const copied = of(runtime, "COPY").flatMap(args);
        assert.equal(copied[copied.length - 1], parsed[1], "CMD runs the file the stage copied");
    });

    it("runtime stage keeps no compiler or package manager and bakes Node's compile cache", () => {
        const runs = of(runtime, "RUN")
            .map(i => i.getArgumentsContent() ?? "")
            .join("\n");
        assert.doesNotMatch(runs, /\bnpm (ci|install)\b|\besbuild\b|\btsc\b/);
        const env = of(runtime, "ENV")
            .map(i => i.getArgumentsContent() ?? "")
            .join(" ");
        assert.match(env, /NODE_COMPILE_CACHE=\/app\/\.compile-cache/);
        assert.match(
            runs,
            /AWS_ENDPOINT_URL_SFN=http:\/\/127\.0\.0\.1:\d+/,
            "the warm-up run never leaves the container",
        );
    });

    it("Dockerfile.dockerignore keeps node_modules, tests and build output out of the context", () => {
        const has = (p: RegExp) => ignore.some(l => p.test(l));
        assert.ok(has(/^(\*\*\/)?node_modules\/?$/), "node_modules");
        assert.ok(has(/^tests\/?$/), "tests");
        assert.ok(has(/^(\*\*\/)?dist\/?$/) && has(/^worker-image\/dist\/?$/), "build output");
        assert.ok(has(/^\.git\/?$/), ".git");
        for (const needed of ["package.json", "package-lock.json", "tsconfig.json", "worker-image"]) {
            assert.ok(!ignore.some(l => l === needed || l === `${needed}/`), `${needed} must stay in the context`);
        }
    });
});
