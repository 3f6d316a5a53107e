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
