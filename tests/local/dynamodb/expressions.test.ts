// DynamoDB's condition and update expressions on the local endpoint, without a server: parsing,
// placeholders, evaluation against an item, and the errors DynamoDB answers for bad expressions.
import * as assert from "assert";
import { Item } from "../../../local/dynamodb/attribute-values";
import { applyUpdate, evaluateCondition } from "../../../local/dynamodb/expression-evaluation";
import { parseCondition, parseUpdate, Placeholders } from "../../../local/dynamodb/expression-parser";
import { AwsServiceError } from "../../../local/shared/aws-json-server";

const ITEM: Item = {
    pk: { S: "arn:aws:ecs:us-east-1:000000000000:task/c/abc" },
    state: { S: "claimed" },
    leaseUntil: { N: "1000" },
    version: { N: "3" },
    tags: { SS: ["a", "b"] },
    doc: { M: { list: { L: [{ N: "1" }, { S: "two" }] }, flag: { BOOL: true } } },
};

function holds(expression: string, names: Record<string, string> = {}, values: Record<string, any> = {}, item = ITEM) {
    const placeholders = new Placeholders(names, values);
    const result = evaluateCondition(item, parseCondition(expression, placeholders));
    placeholders.checkAllUsed();
    return result;
}

function validationOf(fn: () => unknown): string {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof AwsServiceError && err.code === "ValidationException", String(err));
        return err.message;
    }
    assert.fail("expected a ValidationException");
}

describe("local DynamoDB: condition expressions", () => {
    it("evaluates the healer's claim condition: absent, or claimed with an expired lease", () => {
        const claim = "attribute_not_exists(pk) OR (#state = :claimed AND leaseUntil < :now)";
        const names = { "#state": "state" };
        const at = (now: number) => ({ ":claimed": { S: "claimed" }, ":now": { N: String(now) } });
        assert.strictEqual(holds(claim, names, at(999), {}), true, "no item yet");
        assert.strictEqual(holds(claim, names, at(999)), false, "lease still running");
        assert.strictEqual(holds(claim, names, at(1001)), true, "lease expired");
        assert.strictEqual(holds(claim, names, at(1001), { ...ITEM, state: { S: "done" } }), false, "done stays done");
    });

    it("compares numbers by value and strings by bytes; a type mismatch is false", () => {
        assert.strictEqual(holds("version = :v", {}, { ":v": { N: "3.0" } }), true);
        assert.strictEqual(holds("version > :v", {}, { ":v": { N: "10" } }), false);
        assert.strictEqual(holds("version < :v", {}, { ":v": { S: "9" } }), false);
        assert.strictEqual(holds("#s >= :v", { "#s": "state" }, { ":v": { S: "c" } }), true);
        assert.strictEqual(holds("missing <> :v", {}, { ":v": { S: "x" } }), true);
        assert.strictEqual(holds("missing = :v", {}, { ":v": { S: "x" } }), false);
    });

    it("has BETWEEN, IN, NOT, parentheses, functions, size() and nested paths", () => {
        const values = { ":lo": { N: "1" }, ":hi": { N: "5" } };
        assert.strictEqual(holds("version BETWEEN :lo AND :hi", {}, values), true);
        assert.strictEqual(holds("version IN (:a, :b)", {}, { ":a": { N: "2" }, ":b": { N: "3" } }), true);
        assert.strictEqual(holds("NOT attribute_exists(gone) AND attribute_exists(doc.flag)"), true);
        assert.strictEqual(holds("attribute_type(doc.list, :t)", {}, { ":t": { S: "L" } }), true);
        assert.strictEqual(holds("begins_with(pk, :p)", {}, { ":p": { S: "arn:aws:ecs:" } }), true);
        assert.strictEqual(holds("contains(tags, :t)", {}, { ":t": { S: "b" } }), true);
        assert.strictEqual(holds("doc.list[1] = :two", {}, { ":two": { S: "two" } }), true);
        assert.strictEqual(holds("size(tags) = :n", {}, { ":n": { N: "2" } }), true);
        assert.strictEqual(
            holds(
                "(version = :a OR version = :b) AND NOT (tags = :c)",
                {},
                {
                    ":a": { N: "1" },
                    ":b": { N: "3" },
                    ":c": { SS: ["b", "a"] },
                },
            ),
            false,
            "sets are equal in any order",
        );
    });

    it("answers undefined or unused placeholders and syntax errors as DynamoDB does", () => {
        assert.match(
            validationOf(() => holds("#x = :v", {}, { ":v": { N: "1" } })),
            /An expression attribute name used in the document path is not defined; attribute name: #x/,
        );
        assert.match(
            validationOf(() => holds("a = :v")),
            /An expression attribute value used in expression is not defined; attribute value: :v/,
        );
        assert.match(
            validationOf(() => holds("a = :v", { "#unused": "b" }, { ":v": { N: "1" } })),
            /^Value provided in ExpressionAttributeNames unused in expressions: keys: \{#unused\}$/,
        );
        assert.match(
            validationOf(() => holds("a = :v", {}, { ":v": { N: "1" }, ":w": { N: "2" } })),
            /^Value provided in ExpressionAttributeValues unused in expressions: keys: \{:w\}$/,
        );
        assert.match(
            validationOf(() => holds("a = ")),
            /^Invalid ConditionExpression: Syntax error; token: "<EOF>"/,
        );
        assert.match(
            validationOf(() => holds("attribute_exists(a, b)")),
            /Incorrect number of operands/,
        );
    });
});

describe("local DynamoDB: update expressions", () => {
    function update(
        expression: string,
        values: Record<string, any> = {},
        names: Record<string, string> = {},
        item = ITEM,
    ) {
        const placeholders = new Placeholders(names, values);
        const after = applyUpdate(item, parseUpdate(expression, placeholders));
        placeholders.checkAllUsed();
        return after;
    }

    it("SETs values, if_not_exists, arithmetic and list_append; REMOVEs; ADDs numbers and set members", () => {
        const after = update(
            "SET #s = :done, version = version + :one, firstSeen = if_not_exists(firstSeen, :now), doc.list = list_append(doc.list, :more) REMOVE leaseUntil ADD tags :c, hits :one",
            {
                ":done": { S: "done" },
                ":one": { N: "1" },
                ":now": { N: "77" },
                ":more": { L: [{ N: "3" }] },
                ":c": { SS: ["c"] },
            },
            { "#s": "state" },
        );
        assert.deepStrictEqual(after.state, { S: "done" });
        assert.deepStrictEqual(after.version, { N: "4" });
        assert.deepStrictEqual(after.firstSeen, { N: "77" });
        assert.strictEqual((after.doc as any).M.list.L.length, 3);
        assert.strictEqual(after.leaseUntil, undefined);
        assert.deepStrictEqual(after.tags, { SS: ["a", "b", "c"] });
        assert.deepStrictEqual(after.hits, { N: "1" });
        assert.deepStrictEqual(ITEM.state, { S: "claimed" }, "the stored item is not changed in place");
    });

    it("reads every operand from the item as it was before the update", () => {
        const after = update("SET a = version, version = :v", { ":v": { N: "9" } });
        assert.deepStrictEqual([after.a, after.version], [{ N: "3" }, { N: "9" }]);
    });

    it("refuses overlapping paths, a missing operand, a wrong type and a clause used twice", () => {
        assert.match(
            validationOf(() => update("SET a = :v, a = :v", { ":v": { N: "1" } })),
            /Two document paths overlap/,
        );
        assert.match(
            validationOf(() => update("SET a = nothing + :v", { ":v": { N: "1" } })),
            /does not exist in the item/,
        );
        assert.match(
            validationOf(() => update("SET a = #s + :v", { ":v": { N: "1" } }, { "#s": "state" })),
            /incorrect data type/,
        );
        assert.match(
            validationOf(() => update("SET a = :v SET b = :v", { ":v": { N: "1" } })),
            /can only be used once/,
        );
    });
});
