// The local EventBridge bus: matching rules' targets get each event, asynchronously, and the bus
// knows what is still being delivered.
import * as assert from "assert";
import { createEventBus } from "../../../local/events/bus";

describe("local EventBridge bus", () => {
    const rules = [
        { ruleName: "stopped", pattern: { detail: { lastStatus: ["STOPPED"] } }, targetArn: "healer" },
        { ruleName: "all", pattern: { source: ["aws.ecs"] }, targetArn: "audit" },
    ];

    it("delivers an event to the target of every matching rule, and to no other", async () => {
        const delivered: string[] = [];
        const bus = createEventBus(
            rules,
            async target => void delivered.push(target),
            () => assert.fail("no delivery fails"),
        );
        bus.publish({ source: "aws.ecs", detail: { lastStatus: "RUNNING" } });
        bus.publish({ source: "aws.ecs", detail: { lastStatus: "STOPPED" } });
        bus.publish({ source: "aws.ec2", detail: { lastStatus: "STOPPED" } });
        await bus.drain();
        assert.deepStrictEqual(delivered.sort(), ["audit", "audit", "healer", "healer"]);
    });

    it("counts deliveries still running, waits for them, and reports a delivery the runtime could not make", async () => {
        let release!: () => void;
        const held = new Promise<void>(resolve => (release = resolve));
        const failures: string[] = [];
        const bus = createEventBus(
            rules,
            target => (target === "healer" ? held : Promise.reject(new Error("no such function"))),
            (target, error) => failures.push(`${target}: ${(error as Error).message}`),
        );
        bus.publish({ source: "aws.ecs", detail: { lastStatus: "STOPPED" } });
        assert.strictEqual(bus.pending(), 2);
        await new Promise(resolve => setImmediate(resolve));
        assert.strictEqual(bus.pending(), 1, "the failed delivery is over");
        let drained = false;
        const drain = bus.drain().then(() => (drained = true));
        await new Promise(resolve => setImmediate(resolve));
        assert.strictEqual(drained, false, "drain waits for the held delivery");
        release();
        await drain;
        assert.strictEqual(bus.pending(), 0);
        assert.deepStrictEqual(failures, ["audit: no such function"]);
    });
});

describe("local EventBridge bus: duplicate deliveries (test hook)", () => {
    const rules = [{ ruleName: "stopped", pattern: { detail: { lastStatus: ["STOPPED"] } }, targetArn: "healer" }];

    it("delivers each event once by default, and copies at the same moment when asked", async () => {
        let running = 0;
        let mostAtOnce = 0;
        const delivered: string[] = [];
        const bus = createEventBus(
            rules,
            async (_target, event) => {
                mostAtOnce = Math.max(mostAtOnce, ++running);
                await new Promise(resolve => setTimeout(resolve, 20));
                delivered.push((event as { id: string }).id);
                running--;
            },
            () => assert.fail("no delivery fails"),
        );
        bus.publish({ id: "a", detail: { lastStatus: "STOPPED" } });
        await bus.drain();
        assert.deepStrictEqual([delivered, mostAtOnce], [["a"], 1]);
        bus.testHooks.duplicateDeliveries({ copies: 2 });
        bus.publish({ id: "b", detail: { lastStatus: "STOPPED" } });
        assert.strictEqual(bus.pending(), 3);
        await bus.drain();
        assert.deepStrictEqual([delivered, mostAtOnce], [["a", "b", "b", "b"], 3]);
        bus.testHooks.duplicateDeliveries(undefined);
        bus.publish({ id: "c", detail: { lastStatus: "STOPPED" } });
        await bus.drain();
        assert.deepStrictEqual(delivered, ["a", "b", "b", "b", "c"]);
    });

    it("delivers a share of the copies later, counts them as pending, and drops those not yet due when drained", async () => {
        const delivered: Array<{ id: string; at: number }> = [];
        const started = Date.now();
        const bus = createEventBus(
            rules,
            async (_target, event) =>
                void delivered.push({ id: (event as { id: string }).id, at: Date.now() - started }),
            () => assert.fail("no delivery fails"),
        );
        bus.testHooks.duplicateDeliveries({ concurrentShare: 0.5, laterMs: 150, filter: e => (e as any).id !== "x" });
        for (const id of ["a", "b", "c", "d", "x"]) bus.publish({ id, detail: { lastStatus: "STOPPED" } });
        assert.strictEqual(bus.pending(), 5 + 2 + 2, "five firsts, two copies now, two copies due later");
        while (bus.pending() > 0) await new Promise(resolve => setTimeout(resolve, 10));
        const ids = delivered.map(d => d.id);
        assert.deepStrictEqual([...ids].sort(), ["a", "a", "b", "b", "c", "c", "d", "d", "x"]);
        const late = delivered.filter(d => d.at >= 140).map(d => d.id);
        assert.strictEqual(late.length, 2, "half the copies came later");
        bus.publish({ id: "e", detail: { lastStatus: "STOPPED" } });
        bus.publish({ id: "f", detail: { lastStatus: "STOPPED" } });
        await bus.drain();
        assert.strictEqual(bus.pending(), 0, "the copy not yet due was dropped");
    });
});
