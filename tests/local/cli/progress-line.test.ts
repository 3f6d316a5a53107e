// The line under npm start's table on a terminal: what the execution waits on, for how long.
import * as assert from "assert";
import { formatWait, ProgressLine, waitingOn } from "../../../local/cli/progress-line";

const event = (type: string, details: object = {}) => ({ id: 1, type, timestamp: new Date(), ...details }) as any;

describe("the wait line", () => {
    it("says what each waiting event waits on", () => {
        assert.strictEqual(
            waitingOn(event("LambdaFunctionStarted"), "trigger-ecs", "3e09564a PENDING"),
            "trigger-ecs: Lambda running (container 3e09564a PENDING)",
        );
        assert.strictEqual(
            waitingOn(event("ActivityScheduled"), "execute-ecs", "3e09564a RUNNING"),
            "execute-ecs: waiting for a worker to take the task (container 3e09564a RUNNING)",
        );
        assert.strictEqual(
            waitingOn(
                event("ActivityStarted", {
                    activityStartedEventDetails: { workerName: "3e09564224fec41a4342510631e37260" },
                }),
                "execute-ecs",
            ),
            "execute-ecs: job running on worker 3e095642",
        );
        assert.strictEqual(waitingOn(event("TaskStateExited"), "execute-ecs"), undefined);
        assert.strictEqual(formatWait("x", 12_345), "  … 12.3s  x");
        assert.strictEqual(formatWait("y".repeat(200), 0, 40).length, 39, "never wider than the terminal");
    });

    it("is drawn in place between rows, after a second of waiting, and removed at the end", async () => {
        let out = "";
        const line = new ProgressLine(
            text => (out += text),
            () => "abcd RUNNING",
            () => 120,
            { everyMs: 10, afterMs: 30 },
        );
        line.row("row 1", event("ActivityScheduled"), "execute-ecs");
        await new Promise(r => setTimeout(r, 15));
        assert.strictEqual(out, "row 1\n", "not drawn before the wait is long enough");
        await new Promise(r => setTimeout(r, 60));
        assert.match(
            out.replaceAll("\x1b", "<ESC>"),
            /^row 1\n\r<ESC>\[2K {2}… 0\.\ds {2}execute-ecs: waiting for a worker to take the task \(container abcd RUNNING\)/,
        );
        line.row("row 2", event("TaskStateExited"), "execute-ecs");
        assert.ok(out.endsWith("\r\x1b[2Krow 2\n"), "the line is cleared before the next row");
        line.stop();
        const final = out;
        await new Promise(r => setTimeout(r, 40));
        assert.strictEqual(out, final, "nothing is drawn after stop");
    });
});
