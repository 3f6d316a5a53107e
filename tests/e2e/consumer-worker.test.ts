// A consumer's worker as the packed library gives it: examples/etl's worker is
// `runActivityWorker({ handler })` and nothing else, bundled by the plan into its step's image. Run
// on the local runtime with a one-second heartbeat, it heartbeats through a job three times as long,
// and a SIGTERM mid-job is reported as Worker.Interrupted, exits 3 and is retried by the block.
import * as assert from "assert";
import * as path from "path";
import { HistoryEvent } from "../../local/sfn/engine";
import { LocalStack, startLocalStack } from "../../local/stack/local-stack";
import { waitUntilNoProcess, WORKER_PROCESS } from "../helpers/processes";

const EXAMPLE = path.resolve(__dirname, "..", "..", "examples", "etl");
const HEARTBEAT_SECONDS = 1;

function eventsOf(stack: LocalStack, executionArn: string): HistoryEvent[] {
    return stack.engine.getExecutionHistory(executionArn, { maxResults: 1000 }).events;
}

async function until<T>(what: string, probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const value = probe();
        if (value !== undefined) return value;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise(r => setTimeout(r, 25));
    }
}

describe("a consumer's runActivityWorker({ handler }) worker on the local runtime (examples/etl)", function () {
    this.timeout(120_000);
    let stack: LocalStack;

    before(async function () {
        stack = await startLocalStack({
            projectDir: EXAMPLE,
            stack: "dev",
            configOverrides: { "etl-example:heartbeatSeconds": String(HEARTBEAT_SECONDS) },
            retryIntervalScale: 0.001,
            maxStopTimeoutMs: 5000,
            maxPollSeconds: 2,
            containerOutput: () => undefined,
            lambdaOutput: () => undefined,
        });
    });

    after(async () => {
        await stack?.close();
        assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), []);
    });

    it("heartbeats from its step's HeartbeatSeconds: a job three times as long succeeds", async () => {
        const { executionArn } = stack.engine.startExecution({
            stateMachineArn: stack.stateMachineArn,
            input: JSON.stringify({ waitMs: 3 * HEARTBEAT_SECONDS * 1000 + 500 }),
        });
        const done = await stack.engine.waitForExecution(executionArn);
        assert.strictEqual(done.status, "SUCCEEDED", `${done.error}: ${done.cause}`);
        const events = eventsOf(stack, executionArn);
        assert.ok(!events.some(e => e.type === "ActivityTimedOut"), "no heartbeat was missed");
        const extract = events.find(e => e.type === "ActivityScheduled")!.activityScheduledEventDetails!;
        assert.strictEqual(extract.heartbeatInSeconds, HEARTBEAT_SECONDS, "the test stack's short heartbeat");
    });

    it("SIGTERM mid-job: Worker.Interrupted, exit code 3, and the block retries with a fresh container", async () => {
        const { executionArn } = stack.engine.startExecution({
            stateMachineArn: stack.stateMachineArn,
            input: JSON.stringify({ waitMs: 60_000 }),
        });
        const started = await until("the first ActivityStarted", () =>
            eventsOf(stack, executionArn).find(e => e.type === "ActivityStarted"),
        );
        const taker = stack.ecs.task(started.activityStartedEventDetails!.workerName!)!;
        assert.ok(stack.ecs.testHooks.killTask(taker.taskArn, "SIGTERM"));
        const failed = await until("the attempt's failure", () =>
            eventsOf(stack, executionArn).find(e => e.type === "ActivityFailed"),
        );
        assert.strictEqual(failed.activityFailedEventDetails!.error, "Worker.Interrupted");
        await until("the container's exit", () => (stack.ecs.task(taker.taskArn)?.exitCode === 3 ? true : undefined));
        await until("the block's retry", () =>
            eventsOf(stack, executionArn).filter(e => e.type === "ActivityStarted").length >= 2 ? true : undefined,
        );
        stack.engine.stopExecution(executionArn, "Test.Done", "the retry was seen");
        await stack.engine.waitForExecution(executionArn);
    });
});
