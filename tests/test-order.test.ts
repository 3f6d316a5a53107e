// npm test hands mocha its files slowest first, by their last recorded durations.
import { strict as assert } from "assert";
import { lastDurations, slowestFirst, testFiles } from "../scripts/test-order";

describe("the order of npm test's files (scripts/test-order.ts)", () => {
    it("reads each file's last duration, skipping lines it cannot read", () => {
        const log = "3.5 tests/a.test.ts\nnot a line\n12 tests/b.test.ts\n4.0 tests/a.test.ts\n";
        assert.deepEqual(
            [...lastDurations(log)],
            [
                ["tests/a.test.ts", 4],
                ["tests/b.test.ts", 12],
            ],
        );
    });

    it("puts files without a record first, then the slowest, ties in the given order", () => {
        const durations = new Map([
            ["a", 1],
            ["b", 30],
            ["c", 5],
            ["d", 5],
        ]);
        assert.deepEqual(slowestFirst(["a", "b", "c", "new", "d"], durations), ["new", "b", "c", "d", "a"]);
    });

    it("finds every test file of the suite, this one included", () => {
        const files = testFiles();
        assert.ok(files.includes("tests/test-order.test.ts"));
        assert.ok(files.every(f => f.endsWith(".test.ts")));
        assert.ok(files.length > 50, `${files.length} files`);
    });
});
