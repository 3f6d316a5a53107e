// The escape that makes any text a valid ECS tag value (functions/tag-value.ts) and its deliberate
// copy in the worker library: reversible, within ECS's rules, names told apart, and both agree.
import * as assert from "assert";
import { decodeTagValue, encodeTagValue } from "../functions/tag-value";
import { encodeTagValue as workerEncodeTagValue } from "../worker-image/lib/tag-value";
import { takenTagValue } from "../worker-image/lib/task-marker";
import { checkTagList } from "../local/ecs/tag-rules";

const PREFIX = "arn:aws:states:us-east-1:000000000000:execution:pipeline-f5e7335:";
const NAMES = [
    "run(1)",
    "run_1_",
    "run)1(",
    "run__1",
    "it's",
    "naïve!",
    "Ωμέγα-1",
    "実".repeat(80),
    "🙂".repeat(80),
    "𝐀𝐁𝐂",
    "a_28_b",
    "~!@$%^&*()",
];

describe("tag values", () => {
    it("keeps what ECS allows as it is, and escapes the rest and `_` reversibly", () => {
        assert.strictEqual(encodeTagValue(`${PREFIX}run 1-a.b:c/d=e+f@g`), `${PREFIX}run 1-a.b:c/d=e+f@g`);
        assert.strictEqual(encodeTagValue("run(1)"), "run_28_1_29_");
        assert.strictEqual(encodeTagValue("run_1_"), "run__1__");
        assert.strictEqual(encodeTagValue("it's"), "it_27_s");
        assert.strictEqual(encodeTagValue("naïve!"), "naïve_21_");
        assert.strictEqual(encodeTagValue("🙂"), "_1f642_");
        assert.strictEqual(encodeTagValue("AWS:x"), "_41_WS:x", "the reserved prefix is broken");
        for (const name of NAMES.filter(n => !n.startsWith("🙂")))
            assert.strictEqual(decodeTagValue(encodeTagValue(PREFIX + name)), PREFIX + name, name);
    });

    it("gives every name a valid tag value of at most 256 characters, cut at an escape's boundary", () => {
        for (const name of NAMES) {
            const value = encodeTagValue(PREFIX + name);
            assert.ok(value.length <= 256, `${name}: ${value.length}`);
            assert.deepStrictEqual(checkTagList([{ key: "k", value }]), [{ key: "k", value }], name);
            assert.ok((PREFIX + name).startsWith(decodeTagValue(value)), `${name}: the cut keeps a prefix`);
        }
        const cut = encodeTagValue(PREFIX + "🙂".repeat(80));
        assert.match(cut, /_1f642_$/, "no half escape at the end");
    });

    it("tells apart names that differ only in characters ECS refuses", () => {
        const values = ["run(1)", "run)1(", "run_1_", "run__1", "run[1]", "run_28_1_29_"].map(n =>
            encodeTagValue(PREFIX + n),
        );
        assert.strictEqual(new Set(values).size, values.length, values.join("\n"));
    });

    it("the worker's copy agrees with the trigger's, and the task-taken tag uses it", () => {
        const samples = [...NAMES, ""].map(n => PREFIX + n);
        for (let code = 0; code < 0x3000; code += 7) samples.push(String.fromCodePoint(code).repeat(3));
        for (const text of samples)
            assert.strictEqual(workerEncodeTagValue(text), encodeTagValue(text), JSON.stringify(text));
        assert.strictEqual(takenTagValue(PREFIX + "run(1)"), encodeTagValue(PREFIX + "run(1)"));
        assert.strictEqual(takenTagValue(undefined), "unknown");
    });
});
