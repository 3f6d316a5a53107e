// The worker's bundle stands alone (Node's built-ins only, no Pulumi, at most 1 MiB), and its tag is
// the one the healer reads. What its sources may import is checked in tests/boundaries/.
import { strict as assert } from "assert";
import * as fs from "fs";
import { ensureWorkerBundle } from "../../scripts/build-worker";
import { TASK_TAKEN_TAG_KEY } from "../../worker-image/lib/task-marker";
import { TASK_TAKEN_TAG_KEY as HEALER_TAG_KEY } from "../../functions/trigger";

describe("worker bundle", function () {
    this.timeout(120_000);

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
