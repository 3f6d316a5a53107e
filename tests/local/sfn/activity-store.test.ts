// The local activity store's AWS semantics, in process (short clocks).
import { strict as assert } from "assert";
import { ActivityStore } from "../../../local/sfn/activity-store";
import { AwsServiceError } from "../../../local/shared/aws-json-server";

function delay(ms: number): Promise<void> {
    return new Promise(r => setTimeout(r, ms));
}

function awsCode(code: string) {
    return (err: unknown) => err instanceof AwsServiceError && err.code === code;
}

describe("local ActivityStore", () => {
    let store: ActivityStore;
    let arn: string;
    beforeEach(() => {
        store = new ActivityStore({ maxPollSeconds: 0.2 });
        arn = store.createActivity("jobs").activityArn;
    });
    afterEach(() => store.close());

    describe("activities", () => {
        it("CreateActivity is idempotent by name and builds the ARN from region and account", () => {
            const again = store.createActivity("jobs");
            assert.equal(again.activityArn, "arn:aws:states:us-east-1:000000000000:activity:jobs");
            assert.equal(again.activityArn, arn);
            assert.equal(again.creationDate.getTime(), store.describeActivity(arn).creationDate.getTime());
            assert.equal(
                store.createActivity("jobs", "eu-west-1", "123456789012").activityArn,
                "arn:aws:states:eu-west-1:123456789012:activity:jobs",
            );
            assert.deepEqual(
                store.listActivities().map(a => a.name),
                ["jobs", "jobs"],
            );
        });
        it("refuses bad names and ARNs; unknown activities do not exist", () => {
            assert.throws(() => store.createActivity("bad name"), awsCode("InvalidName"));
            assert.throws(() => store.createActivity("x".repeat(81)), awsCode("InvalidName"));
            assert.throws(() => store.registerActivity("arn:aws:states:us-east-1:1:activity:a"), awsCode("InvalidArn"));
            assert.throws(
                () => store.describeActivity("arn:aws:states:us-east-1:000000000000:activity:other"),
                awsCode("ActivityDoesNotExist"),
            );
            assert.throws(
                () =>
                    store.schedule({
                        activityArn: "arn:aws:states:us-east-1:000000000000:activity:other",
                        input: "{}",
                    }),
                awsCode("ActivityDoesNotExist"),
            );
            assert.throws(
                () => store.getActivityTask("arn:aws:states:us-east-1:000000000000:activity:other"),
                awsCode("ActivityDoesNotExist"),
            );
            assert.throws(() => store.getActivityTask("nope"), awsCode("InvalidArn"));
            assert.equal(store.registerActivity(arn).activityArn, arn, "registerActivity is idempotent");
        });
    });

    describe("polling", () => {
        it("hands out queued tasks oldest first, each token exactly once; an empty poll waits maxPollSeconds", async () => {
            const tasks = [1, 2, 3].map(n => store.schedule({ activityArn: arn, input: JSON.stringify({ n }) }));
            const got = [
                await store.getActivityTask(arn, "w1"),
                await store.getActivityTask(arn, "w2"),
                await store.getActivityTask(arn, "w3"),
            ];
            assert.deepEqual(
                got.map(g => g.taskToken),
                tasks.map(t => t.taskToken),
            );
            assert.deepEqual(
                got.map(g => JSON.parse(g.input!).n),
                [1, 2, 3],
            );
            const started = Date.now();
            assert.deepEqual(await store.getActivityTask(arn, "w4"), {});
            assert.ok(Date.now() - started >= 190, "the empty poll was held");
            assert.equal(store.task(tasks[1].taskToken)!.workerName, "w2");
            assert.equal(new Set(got.map(g => g.taskToken)).size, 3);
        });

        it("waiting polls are served in arrival order when tasks arrive", async () => {
            store = new ActivityStore({ maxPollSeconds: 5 });
            arn = store.createActivity("jobs").activityArn;
            const first = store.getActivityTask(arn, "first");
            const second = store.getActivityTask(arn, "second");
            assert.equal(store.waitingPollers(arn), 2);
            const a = store.schedule({ activityArn: arn, input: '"a"' });
            const b = store.schedule({ activityArn: arn, input: '"b"' });
            assert.equal((await first).taskToken, a.taskToken);
            assert.equal((await second).taskToken, b.taskToken);
            assert.equal(store.task(a.taskToken)!.workerName, "first");
        });

        it("a poll whose client went away does not swallow a task that arrives later", async () => {
            store = new ActivityStore({ maxPollSeconds: 5 });
            arn = store.createActivity("jobs").activityArn;
            const gone = new AbortController();
            const abandoned = store.getActivityTask(arn, "gone", gone.signal);
            gone.abort();
            assert.deepEqual(await abandoned, {});
            assert.equal(store.waitingPollers(arn), 0);
            const task = store.schedule({ activityArn: arn, input: "{}" });
            assert.equal(store.queuedTasks(arn), 1, "the task waits for a live poller");
            assert.equal(store.task(task.taskToken)!.status, "scheduled");
            assert.equal((await store.getActivityTask(arn, "next")).taskToken, task.taskToken);
        });

        it("a poll that is already aborted takes nothing", async () => {
            const task = store.schedule({ activityArn: arn, input: "{}" });
            const ac = new AbortController();
            ac.abort();
            assert.deepEqual(await store.getActivityTask(arn, "w", ac.signal), {});
            assert.equal(store.task(task.taskToken)!.status, "scheduled");
        });

        it("validates workerName (1–80) and limits concurrent pollers", async () => {
            assert.throws(() => store.getActivityTask(arn, "x".repeat(81)), awsCode("ValidationException"));
            assert.throws(() => store.getActivityTask(arn, ""), awsCode("ValidationException"));
            const limited = new ActivityStore({ maxPollSeconds: 0.1, maxPollersPerActivity: 1 });
            const a = limited.createActivity("a").activityArn;
            const p = limited.getActivityTask(a);
            assert.throws(() => limited.getActivityTask(a), awsCode("ActivityWorkerLimitExceeded"));
            await p;
            limited.close();
        });
    });

    describe("clocks", () => {
        it("TimeoutSeconds starts at ActivityStarted, not while the task is queued", async () => {
            const started: Array<string | undefined> = [];
            const task = store.schedule(
                { activityArn: arn, input: "{}", timeoutSeconds: 0.1 },
                { onStarted: w => started.push(w) },
            );
            await delay(250);
            assert.equal(store.task(task.taskToken)!.status, "scheduled", "no state clock runs in ActivityScheduled");
            await store.getActivityTask(arn, "w");
            assert.deepEqual(started, ["w"]);
            const t0 = Date.now();
            assert.deepEqual(await task.outcome, { kind: "timedOut", error: "States.Timeout" });
            assert.ok(Date.now() - t0 >= 90);
        });

        it("heartbeats reset the HeartbeatSeconds clock; silence raises States.HeartbeatTimeout", async () => {
            let beats = 0;
            const task = store.schedule(
                { activityArn: arn, input: "{}", heartbeatSeconds: 0.15 },
                { onHeartbeat: () => beats++ },
            );
            await store.getActivityTask(arn);
            for (let i = 0; i < 4; i++) {
                await delay(80);
                store.sendTaskHeartbeat(task.taskToken);
            }
            assert.equal(store.task(task.taskToken)!.status, "started", "alive after 320 ms thanks to heartbeats");
            assert.equal(beats, 4);
            assert.deepEqual(await task.outcome, { kind: "timedOut", error: "States.HeartbeatTimeout" });
        });

        it("the default clocks (99999999 s) do not overflow Node's timers", async () => {
            const task = store.schedule({ activityArn: arn, input: "{}" });
            await store.getActivityTask(arn);
            await delay(30);
            assert.equal(store.task(task.taskToken)!.status, "started");
        });
    });

    describe("reporting", () => {
        async function started(extra: { timeoutSeconds?: number } = {}) {
            const task = store.schedule({ activityArn: arn, input: "{}", ...extra });
            await store.getActivityTask(arn);
            return task;
        }

        it("SendTaskSuccess closes the task once; later calls on the token answer TaskTimedOut", async () => {
            const task = await started();
            store.sendTaskSuccess(task.taskToken, '{"ok":true}');
            assert.deepEqual(await task.outcome, { kind: "succeeded", output: '{"ok":true}' });
            assert.throws(() => store.sendTaskSuccess(task.taskToken, "{}"), awsCode("TaskTimedOut"));
            assert.throws(() => store.sendTaskFailure(task.taskToken, "E"), awsCode("TaskTimedOut"));
            assert.throws(() => store.sendTaskHeartbeat(task.taskToken), awsCode("TaskTimedOut"));
            assert.deepEqual(store.task(task.taskToken)!.outcome, { kind: "succeeded", output: '{"ok":true}' });
        });

        it("a timed-out task's token answers TaskTimedOut", async () => {
            const task = await started({ timeoutSeconds: 0.05 });
            await task.outcome;
            assert.throws(() => store.sendTaskHeartbeat(task.taskToken), awsCode("TaskTimedOut"));
        });

        it("unknown tokens: TaskDoesNotExist when well-formed, InvalidToken when not, ValidationException when empty or too long", () => {
            assert.throws(() => store.sendTaskSuccess("AAAA" + "Q".repeat(128), "{}"), awsCode("TaskDoesNotExist"));
            assert.throws(() => store.sendTaskSuccess("garbage", "{}"), awsCode("InvalidToken"));
            assert.throws(() => store.sendTaskHeartbeat(""), awsCode("ValidationException"));
            assert.throws(() => store.sendTaskFailure("A".repeat(2049)), awsCode("ValidationException"));
        });

        it("output over 262144 bytes or not JSON is InvalidOutput and the task stays open", async () => {
            const task = await started();
            assert.throws(
                () => store.sendTaskSuccess(task.taskToken, JSON.stringify("é".repeat(131_072))),
                awsCode("InvalidOutput"),
            );
            assert.throws(() => store.sendTaskSuccess(task.taskToken, "{not json"), awsCode("InvalidOutput"));
            assert.throws(() => store.sendTaskSuccess(task.taskToken, undefined), awsCode("ValidationException"));
            assert.equal(store.task(task.taskToken)!.status, "started");
            const exact = JSON.stringify("x".repeat(262_142));
            assert.equal(Buffer.byteLength(exact), 262_144);
            store.sendTaskSuccess(task.taskToken, exact);
            assert.equal((await task.outcome).kind, "succeeded");
        });

        it("error over 256 or cause over 32768 characters is a validation error and the task stays open", async () => {
            const task = await started();
            assert.throws(() => store.sendTaskFailure(task.taskToken, "E".repeat(257)), awsCode("ValidationException"));
            assert.throws(
                () => store.sendTaskFailure(task.taskToken, "E", "c".repeat(32_769)),
                awsCode("ValidationException"),
            );
            assert.equal(store.task(task.taskToken)!.status, "started");
            store.sendTaskFailure(task.taskToken, "E".repeat(256), "c".repeat(32_768));
            const outcome = await task.outcome;
            assert.equal(outcome.kind, "failed");
            assert.equal(outcome.kind === "failed" && outcome.error!.length, 256);
        });

        it("a failure with neither error nor cause is accepted", async () => {
            const task = await started();
            store.sendTaskFailure(task.taskToken);
            assert.deepEqual(await task.outcome, { kind: "failed", error: undefined, cause: undefined });
        });
    });

    describe("the engine's side", () => {
        it("cancel() closes a queued task: it leaves the queue and its token is dead", async () => {
            const task = store.schedule({ activityArn: arn, input: "{}" });
            task.cancel("execution aborted");
            assert.deepEqual(await task.outcome, { kind: "cancelled", reason: "execution aborted" });
            assert.equal(store.queuedTasks(arn), 0);
            assert.deepEqual(await store.getActivityTask(arn), {});
            assert.throws(() => store.sendTaskSuccess(task.taskToken, "{}"), awsCode("TaskTimedOut"));
            task.cancel("again");
            assert.deepEqual(await task.outcome, { kind: "cancelled", reason: "execution aborted" }, "settles once");
        });

        it("an observer that throws does not break the store", async () => {
            const warnings: string[] = [];
            const onWarning = (w: Error) => warnings.push(w.message);
            process.on("warning", onWarning);
            try {
                const task = store.schedule(
                    { activityArn: arn, input: "{}" },
                    {
                        onStarted: () => {
                            throw new Error("engine bug");
                        },
                    },
                );
                const got = await store.getActivityTask(arn);
                assert.equal(got.taskToken, task.taskToken);
                store.sendTaskSuccess(task.taskToken, "{}");
                assert.equal((await task.outcome).kind, "succeeded");
                await delay(0);
                assert.ok(warnings.some(w => w.includes("engine bug")));
            } finally {
                process.off("warning", onWarning);
            }
        });

        it("close() answers waiting polls empty and cancels open tasks", async () => {
            store = new ActivityStore({ maxPollSeconds: 30 });
            arn = store.createActivity("jobs").activityArn;
            const open = store.schedule({ activityArn: arn, input: "{}" });
            await store.getActivityTask(arn);
            const waiting = store.getActivityTask(arn);
            store.close("test over");
            assert.deepEqual(await waiting, {});
            assert.deepEqual(await open.outcome, { kind: "cancelled", reason: "test over" });
            assert.throws(() => store.schedule({ activityArn: arn, input: "{}" }), /closed/);
        });
    });
});
