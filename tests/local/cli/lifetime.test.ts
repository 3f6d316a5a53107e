// The runtime's lifetime: which signals stop it, and which processes the last-resort kill reaches
// (tests/e2e/stop-signals.test.ts stops real `npm start` processes).
import * as assert from "assert";
import { descendantsOf, processTable } from "../../../local/cli/descendants";
import { exitCodeFor, STOP_SIGNALS, watchLifetime } from "../../../local/cli/lifetime";

describe("npm start's lifetime", () => {
    it("finds every process below one, at any depth, and nothing beside it", () => {
        const table: [number, number][] = [
            [10, 1],
            [11, 10],
            [12, 10],
            [13, 12],
            [14, 13],
            [20, 1],
            [21, 20],
        ];
        assert.deepStrictEqual(descendantsOf(10, table), [11, 12, 13, 14]);
        assert.deepStrictEqual(descendantsOf(14, table), []);
        assert.ok(processTable().some(([pid, ppid]) => pid === process.pid && ppid === process.ppid));
    });

    it("stops on SIGINT, SIGTERM and SIGHUP, and says which", async () => {
        assert.deepStrictEqual(STOP_SIGNALS, ["SIGINT", "SIGTERM", "SIGHUP"]);
        for (const signal of STOP_SIGNALS) {
            const lifetime = watchLifetime({ deadlineMs: 60_000 });
            try {
                assert.strictEqual(lifetime.reason, undefined);
                process.emit(signal, signal);
                assert.strictEqual(await lifetime.stopped, signal);
                assert.strictEqual(lifetime.reason, signal);
            } finally {
                lifetime.dispose();
            }
        }
        assert.deepStrictEqual(
            ["SIGINT", "SIGHUP", "SIGTERM", "parent-gone"].map(r => exitCodeFor(r as any)),
            [130, 129, 143, 143],
        );
    });
});
