// What the worker may depend on: no Pulumi anywhere in worker-image/, and a library that stands
// without the example job (it is published as its own entry point).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { ensureWorkerBundle } from "../../worker-image/build";
import { TASK_TAKEN_TAG_KEY } from "../../worker-image/lib/task-marker";
import { TASK_TAKEN_TAG_KEY as HEALER_TAG_KEY } from "../../functions/trigger";

const DIR = path.resolve(__dirname, "../../worker-image");

function sources(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(e => {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) return e.name === "dist" || e.name === "node_modules" ? [] : sources(full);
        return e.name.endsWith(".ts") ? [full] : [];
    });
}

function imports(file: string): string[] {
    const text = fs.readFileSync(file, "utf8");
    return [...text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["']([^"']+)["']/g)].map(m => m[1]);
}

describe("worker-image boundaries", function () {
    this.timeout(120_000);

    it("no worker source imports @pulumi/*", () => {
        const files = sources(DIR);
        assert.ok(files.length > 10);
        for (const file of files) {
            const bad = imports(file).filter(i => i.startsWith("@pulumi/"));
            assert.deepEqual(bad, [], `${path.relative(DIR, file)} imports ${bad.join(", ")}`);
        }
    });

    it("the library (lib/) imports nothing outside lib/ but Node and the AWS SDK", () => {
        for (const file of sources(path.join(DIR, "lib"))) {
            for (const spec of imports(file)) {
                if (spec.startsWith(".")) {
                    const target = path.resolve(path.dirname(file), spec);
                    assert.ok(
                        target.startsWith(path.join(DIR, "lib") + path.sep),
                        `${path.relative(DIR, file)} imports ${spec}`,
                    );
                } else {
                    assert.match(
                        spec,
                        /^(@aws-sdk\/client-sfn|@smithy\/node-http-handler|@smithy\/signature-v4|crypto|http|https|os|events|node:.+)$/,
                        `${path.relative(DIR, file)} imports ${spec}`,
                    );
                }
            }
        }
    });

    it("the worker marks its ECS task with the tag the healer reads", () => {
        assert.equal(TASK_TAKEN_TAG_KEY, HEALER_TAG_KEY);
    });

    it("the bundle is at most 1 MiB, self-contained and free of Pulumi", async () => {
        const bundle = await ensureWorkerBundle();
        assert.ok(bundle.bytes <= 1024 * 1024, `${bundle.bytes} bytes`);
        const text = fs.readFileSync(bundle.outfile, "utf8");
        assert.ok(!text.includes("@pulumi/"), "no Pulumi code");
        // (`[require("...")]` appears inside the SDK's error messages, not as code.)
        const required = new Set([...text.matchAll(/(?<!\[)require\("([^"]+)"\)/g)].map(m => m[1]));
        assert.ok(required.has("node:https") || required.has("https"), "the pattern finds the real requires");
        const { builtinModules } = require("module") as typeof import("module");
        for (const r of required)
            assert.ok(
                builtinModules.includes(r.replace(/^node:/, "")),
                `the bundle requires ${r}, which is not built into Node`,
            );
        assert.ok(!/\bimport\(/.test(text), "no dynamic import() left (each one loads Node's ESM loader)");
    });
});
