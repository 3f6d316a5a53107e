// The ASL building blocks render to the JSON AWS expects, and refuse what AWS would refuse.
import * as assert from "assert";
import {
    Chain,
    checkDefinition,
    Choice,
    Fail,
    MapState,
    Parallel,
    Pass,
    renderDefinition,
    Succeed,
    Task,
} from "../components/asl";
import { thirdPartyAslErrors } from "./helpers/asl-validators";

const LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:f";

describe("ASL builder", () => {
    it("renders a chain with Next/End and only the fields that were set", () => {
        const def = renderDefinition(
            Chain.start(new Pass("a", { result: { x: 1 }, resultPath: "$.a" }))
                .next(new Task("b", { resource: LAMBDA, timeoutSeconds: 5 }))
                .next(new Succeed("c")),
            { timeoutSeconds: 30 },
        );
        assert.deepStrictEqual(def, {
            QueryLanguage: "JSONPath",
            StartAt: "a",
            States: {
                a: { Type: "Pass", Result: { x: 1 }, ResultPath: "$.a", Next: "b" },
                b: { Type: "Task", Resource: LAMBDA, TimeoutSeconds: 5, Next: "c" },
                c: { Type: "Succeed" },
            },
            TimeoutSeconds: 30,
        });
    });

    it("renders Retry, Catch, Parallel branches, Map item processors and Choice rules, accepted by both validators", async () => {
        const failed = new Fail("failed", { errorPath: "$.Error", causePath: "$.Cause" });
        const work = new Task("work", { resource: LAMBDA })
            .addRetry({
                errors: ["States.TaskFailed"],
                intervalSeconds: 2,
                maxAttempts: 4,
                backoffRate: 1.5,
                jitterStrategy: "FULL",
            })
            .addCatch(failed);
        const map = new MapState("each", {
            itemsPath: "$.items",
            itemSelector: { "value.$": "$$.Map.Item.Value" },
            maxConcurrency: 5,
        }).itemProcessor(new Pass("item"));
        const both = new Parallel("both").branch(
            new Pass("left"),
            Chain.start(new Pass("right-1")).next(new Pass("right-2")),
        );
        const choose = new Choice("choose")
            .when({ Variable: "$.kind", StringEquals: "map" }, map.next(new Succeed("mapped")))
            .otherwise(both);
        both.next(new Succeed("done"));
        const def = renderDefinition(Chain.start(work).next(choose));
        assert.deepStrictEqual(def.States.work.Retry, [
            {
                ErrorEquals: ["States.TaskFailed"],
                IntervalSeconds: 2,
                MaxAttempts: 4,
                BackoffRate: 1.5,
                JitterStrategy: "FULL",
            },
        ]);
        assert.deepStrictEqual(def.States.work.Catch, [{ ErrorEquals: ["States.ALL"], Next: "failed" }]);
        assert.deepStrictEqual(def.States.choose.Choices, [{ Variable: "$.kind", StringEquals: "map", Next: "each" }]);
        assert.strictEqual(def.States.choose.Default, "both");
        assert.deepStrictEqual(
            (def.States.both.Branches as any[]).map(b => b.StartAt),
            ["left", "right-1"],
        );
        assert.deepStrictEqual((def.States.each.ItemProcessor as any).ProcessorConfig, { Mode: "INLINE" });
        assert.deepStrictEqual(checkDefinition(def), []);
        assert.deepStrictEqual(await thirdPartyAslErrors(def), []);
    });

    it("refuses two states with one name, also across branches", () => {
        assert.throws(
            () => renderDefinition(Chain.start(new Pass("x")).next(new Pass("x"))),
            /two states are named "x"/,
        );
        const p = new Parallel("p").branch(new Pass("inner"));
        assert.throws(() => renderDefinition(Chain.start(p).next(new Pass("inner"))), /two states are named "inner"/);
    });

    it("refuses a transition that leaves a Parallel branch", () => {
        const outside = new Succeed("outside");
        const inner = new Pass("inner");
        inner.next(outside);
        assert.throws(
            () => renderDefinition(Chain.start(new Parallel("p").branch(inner)).next(outside)),
            /cannot cross a Parallel branch/,
        );
    });

    it("refuses to continue after a terminal state, and a state given two successors", () => {
        assert.throws(() => Chain.start(new Succeed("s")).next(new Pass("p")), /terminal state/);
        const a = new Pass("a");
        a.next(new Pass("b"));
        assert.throws(() => a.next(new Pass("c")), /already continues to "b"/);
    });

    it("refuses heartbeat at or above the timeout, bad names and empty retries", () => {
        assert.throws(
            () => new Task("t", { resource: LAMBDA, timeoutSeconds: 10, heartbeatSeconds: 10 }),
            /HeartbeatSeconds \(10\) must be below TimeoutSeconds \(10\)/,
        );
        assert.throws(() => new Pass(""), /1 to 80 characters/);
        assert.throws(() => new Pass("x".repeat(81)), /1 to 80 characters/);
        assert.throws(() => new Task("t", { resource: LAMBDA }).addRetry({ errors: [] }), /at least one error/);
        assert.throws(() => new Fail("f", { error: "E", errorPath: "$.E" }), /not both/);
    });

    it("turns a chain into one Parallel state (toSingleState)", () => {
        const single = Chain.start(new Pass("one"))
            .next(new Pass("two"))
            .toSingleState("block", { outputPath: "$[0]" });
        const def = renderDefinition(single);
        assert.deepStrictEqual(def.States.block, {
            Type: "Parallel",
            OutputPath: "$[0]",
            Branches: [
                { StartAt: "one", States: { one: { Type: "Pass", Next: "two" }, two: { Type: "Pass", End: true } } },
            ],
            End: true,
        });
    });
});

describe("checkDefinition (our own checks on raw ASL)", () => {
    it("finds a missing Next, an unreachable state, a state with neither Next nor End, and a heartbeat above its timeout", () => {
        const problems = checkDefinition({
            StartAt: "a",
            States: {
                a: { Type: "Pass", Next: "missing" },
                island: { Type: "Pass", End: true },
                loose: { Type: "Pass" },
                slow: { Type: "Task", Resource: LAMBDA, HeartbeatSeconds: 100, TimeoutSeconds: 50, End: true },
            },
        });
        assert.ok(
            problems.some(p => /"a" goes to "missing"/.test(p)),
            problems.join("\n"),
        );
        assert.ok(
            problems.some(p => /"island" is not reachable/.test(p)),
            problems.join("\n"),
        );
        assert.ok(
            problems.some(p => /"loose" has neither Next nor End/.test(p)),
            problems.join("\n"),
        );
        assert.ok(
            problems.some(p => /"slow": HeartbeatSeconds \(100\) must be below TimeoutSeconds \(50\)/.test(p)),
            problems.join("\n"),
        );
    });

    it("finds an unreachable cycle, which neither third-party validator reports", () => {
        const problems = checkDefinition({
            StartAt: "a",
            States: { a: { Type: "Succeed" }, b: { Type: "Pass", Next: "c" }, c: { Type: "Pass", Next: "b" } },
        });
        assert.deepStrictEqual(problems.filter(p => /not reachable/.test(p)).length, 2);
    });

    it("finds a name used in two branches", () => {
        const problems = checkDefinition({
            StartAt: "p",
            States: {
                p: {
                    Type: "Parallel",
                    End: true,
                    Branches: [
                        { StartAt: "x", States: { x: { Type: "Pass", End: true } } },
                        { StartAt: "x", States: { x: { Type: "Pass", End: true } } },
                    ],
                },
            },
        });
        assert.ok(
            problems.some(p => /state "x" appears in branch 1 of "p" and in branch 2 of "p"/.test(p)),
            problems.join("\n"),
        );
    });
});
