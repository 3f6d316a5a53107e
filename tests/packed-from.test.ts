// `npm test` packs the library again whenever the installed copy might differ from a fresh pack:
// the sources changed, or the copy was edited or removed.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { holdsPackFrom, librarySourcesHash, recordPackFrom } from "../scripts/packed-from";

describe("the packed library's record (scripts/packed-from.ts)", () => {
    let dir: string;
    let installed: string;

    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "packed-from-"));
        installed = path.join(dir, "node_modules", "fargate-activity-step");
        fs.mkdirSync(path.join(installed, "dist"), { recursive: true });
        fs.writeFileSync(path.join(installed, "package.json"), "{}");
        fs.writeFileSync(path.join(installed, "dist", "index.js"), "exports.a = 1;\n");
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("holds while neither the sources nor the installed copy changed", () => {
        const sources = librarySourcesHash();
        assert.equal(holdsPackFrom(installed, sources), false, "no record yet");
        recordPackFrom(installed, sources);
        assert.equal(holdsPackFrom(installed, sources), true);
        assert.equal(librarySourcesHash(), sources, "the hash is stable");
    });

    it("fails for other sources, an edited or added file, and a removed copy", () => {
        recordPackFrom(installed, "abc");
        assert.equal(holdsPackFrom(installed, "abd"), false, "other sources");
        fs.writeFileSync(path.join(installed, "dist", "index.js"), "exports.a = 2;\n");
        assert.equal(holdsPackFrom(installed, "abc"), false, "an edited file");
        recordPackFrom(installed, "abc");
        fs.writeFileSync(path.join(installed, "dist", "extra.js"), "");
        assert.equal(holdsPackFrom(installed, "abc"), false, "an added file");
        recordPackFrom(installed, "abc");
        fs.rmSync(installed, { recursive: true });
        assert.equal(holdsPackFrom(installed, "abc"), false, "a removed copy");
    });
});
