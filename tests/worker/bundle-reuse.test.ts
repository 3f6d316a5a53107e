// A worker bundle is reused only while every file it was built from is unchanged: editing a source
// it imports, or an install that changes a lockfile, builds it again. The image's build context
// holds only worker.js and the Dockerfile, never the record.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleWorker } from "../../components/worker-bundle";
import { prepareWorkerContext } from "../../components/worker-context";

describe("worker bundle reuse", function () {
    this.timeout(30_000);
    let project: string;

    beforeEach(() => {
        project = fs.mkdtempSync(path.join(os.tmpdir(), "bundle-reuse-"));
        fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "p", private: true }));
        fs.writeFileSync(path.join(project, "job.ts"), `export const answer = "forty-one";\n`);
        fs.writeFileSync(path.join(project, "worker.ts"), `import { answer } from "./job";\nconsole.log(answer);\n`);
    });
    afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

    const build = () => bundleWorker(path.join(project, "worker.ts"), path.join(project, "out", "ctx"));

    it("reuses an unchanged bundle without building, with the same bytes", () => {
        const first = build();
        assert.equal(first.reused, false);
        const bytes = fs.readFileSync(first.file);
        const second = build();
        assert.equal(second.reused, true);
        assert.equal(second.written, false);
        assert.deepEqual(fs.readFileSync(second.file), bytes);
    });

    it("builds again when an imported source changes", () => {
        build();
        fs.writeFileSync(path.join(project, "job.ts"), `export const answer = "ninety-nine";\n`);
        const again = build();
        assert.equal(again.reused, false);
        assert.match(fs.readFileSync(again.file, "utf8"), /ninety-nine/);
    });

    it("builds again when a lockfile appears or changes, and when the bundle was edited by hand", () => {
        build();
        fs.writeFileSync(path.join(project, "package-lock.json"), "{}");
        assert.equal(build().reused, false, "a lockfile appeared");
        fs.writeFileSync(path.join(project, "package-lock.json"), `{"lockfileVersion":3}`);
        assert.equal(build().reused, false, "the lockfile changed");
        const file = build().file;
        fs.appendFileSync(file, "\n// edited\n");
        assert.equal(build().reused, false, "the bundle no longer matches its record");
        assert.doesNotMatch(fs.readFileSync(file, "utf8"), /edited/);
    });

    it("keeps its record outside the image's build context", () => {
        fs.mkdirSync(path.join(project, "node_modules"));
        const { context } = prepareWorkerContext(path.join(project, "worker.ts"), project);
        assert.deepEqual(fs.readdirSync(context).sort(), ["Dockerfile", "worker.js"]);
        assert.equal(prepareWorkerContext(path.join(project, "worker.ts"), project).bundle.reused, true);
    });
});
