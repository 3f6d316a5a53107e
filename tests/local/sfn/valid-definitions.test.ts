// The engine validates a definition once per checkout and lockfile; an invalid one is never
// remembered, so its errors are reported every time.
import { strict as assert } from "assert";
import { knownValid, rememberValid } from "../../../local/sfn/engine/valid-definitions";
import { validateWithLibrary } from "../../../local/sfn/engine/library";

describe("remembered valid definitions", () => {
    const unique = () => `Pass-${process.pid}-${Date.now()}-${Math.random()}`;

    it("knows a definition once it passed, and no other", () => {
        const definition = JSON.stringify({
            StartAt: "A",
            States: { A: { Type: "Pass", End: true, Comment: unique() } },
        });
        assert.equal(knownValid(definition), false);
        rememberValid(definition);
        assert.equal(knownValid(definition), true);
        assert.equal(knownValid(definition.replace("Pass", "Succeed")), false);
    });

    it("rejects an invalid definition every time, and remembers a valid one", () => {
        const invalid = { StartAt: "Missing", States: { A: { Type: "Pass", End: true, Comment: unique() } } };
        for (let i = 0; i < 2; i++)
            assert.throws(() => validateWithLibrary(invalid), /Invalid State Machine Definition/);
        assert.equal(knownValid(JSON.stringify(invalid)), false);
        const valid = { StartAt: "A", States: { A: { Type: "Pass", End: true, Comment: unique() } } };
        validateWithLibrary(valid);
        assert.equal(knownValid(JSON.stringify(valid)), true);
    });
});
