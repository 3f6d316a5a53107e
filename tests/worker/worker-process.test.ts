// The bundled worker (node worker-image/dist/worker.js) as a real process, driven through the real
// @aws-sdk/client-sfn against the local Step Functions endpoint (AWS_ENDPOINT_URL_SFN).
import { strict as assert } from "assert";
import { createHash } from "crypto";
import {
    delay,
    ensureWorkerBundle,
    killWorkers,
    LocalSfn,
    spawnWorker,
    startLocalSfn,
    until,
    workerEnv,
} from "./harness";

const EXECUTION_ARN = "arn:aws:states:us-east-1:000000000000:execution:pipeline:run-1";
const ECS_TASK_ARN = "arn:aws:ecs:us-east-1:000000000000:task/cluster/0123456789abcdef0123456789abcdef";

function input(fields: Record<string, unknown>, withExecution = true): string {
    return JSON.stringify(
        withExecution ? { ...fields, _execution: { executionArn: EXECUTION_ARN, taskArn: ECS_TASK_ARN } } : fields,
    );
}

describe("worker process (bundle) against the local Step Functions endpoint", function () {
    this.timeout(20_000);
    let sfn: LocalSfn | undefined;

    before(async function () {
        this.timeout(120_000);
        await ensureWorkerBundle();
    });

    afterEach(async () => {
        await killWorkers();
        await sfn?.close();
        sfn = undefined;
    });

    async function local(maxPollSeconds = 2): Promise<LocalSfn> {
        sfn = await startLocalSfn({ maxPollSeconds });
        return sfn;
    }

    it("succeeds with the job's exact output, logs JSON lines without the token, exits 0", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s, { JOB_DURATION_MS: "60000" }));
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: input({ durationMs: 50, echo: { n: 1, text: "héllo" } }),
            executionArn: EXECUTION_ARN,
        });
        const outcome = await task.outcome;
        assert.deepEqual(outcome, {
            kind: "succeeded",
            output: JSON.stringify({ result: "ecs done", echo: { n: 1, text: "héllo" } }),
        });
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 0);
        assert.equal(s.store.task(task.taskToken)!.workerName, "test-worker");
        assert.deepEqual(
            s.endpoint.requests.map(r => r.operation),
            ["GetActivityTask", "SendTaskSuccess"],
        );

        const logs = worker.logs();
        assert.ok(logs.length >= 4);
        for (const line of logs) {
            assert.equal(typeof line.time, "string");
            assert.ok(!Number.isNaN(Date.parse(line.time)));
            assert.ok(["debug", "info", "warn", "error"].includes(line.level));
            assert.equal(typeof line.event, "string");
            assert.equal(line.activity, s.activityArn);
        }
        assert.ok(!worker.stdout().includes(task.taskToken), "the task token never appears in the logs");
        const hash = createHash("sha256").update(task.taskToken).digest("hex").slice(0, 16);
        const finished = logs.find(l => l.event === "task.finished");
        assert.equal(finished.tokenHash, hash);
        assert.equal(finished.executionArn, EXECUTION_ARN);
        assert.equal(finished.outcome, "succeeded");
        assert.equal(typeof finished.durationMs, "number");
        assert.ok(finished.durationMs >= 50);
        assert.equal(logs[logs.length - 1].event, "worker.exit");
        assert.equal(logs[logs.length - 1].reason, "maxTasks");
    });

    it("waits JOB_DURATION_MS when the input gives no durationMs", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s, { JOB_DURATION_MS: "400" }));
        const task = s.store.schedule({ activityArn: s.activityArn, input: "{}" });
        assert.equal((await task.outcome).kind, "succeeded");
        const info = s.store.task(task.taskToken)!;
        assert.ok(info.closedAt! - info.startedAt! >= 400, `job took ${info.closedAt! - info.startedAt!} ms`);
        assert.equal((await worker.waitForExit()).code, 0);
    });

    it("polls again after empty answers, one poll at a time, then takes the task", async () => {
        const s = await local(0.25);
        const worker = spawnWorker(workerEnv(s));
        await s.endpoint.waitForRequest("GetActivityTask", { count: 3, timeoutMs: 10_000 });
        const polls = s.endpoint.requestsFor("GetActivityTask");
        assert.deepEqual(polls[0].response, {});
        assert.deepEqual(polls[1].response, {});
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: input({ durationMs: 0, echo: "after-empty" }),
        });
        assert.deepEqual(await task.outcome, {
            kind: "succeeded",
            output: '{"result":"ecs done","echo":"after-empty"}',
        });
        assert.equal((await worker.waitForExit()).code, 0);
        const all = s.endpoint.requestsFor("GetActivityTask");
        for (let i = 1; i < all.length; i++)
            assert.ok(all[i].time >= all[i - 1].finishedAt!, "a poll started before the previous one ended");
        assert.ok(all.every(r => r.body.workerName === "test-worker"));
    });

    it("reports a job error as SendTaskFailure with the error's name and its message and stack as cause", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s));
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: input({ durationMs: 10, failWith: "Job.Boom", failMessage: "the widget broke" }),
        });
        const outcome = await task.outcome;
        assert.equal(outcome.kind, "failed");
        if (outcome.kind !== "failed") return;
        assert.equal(outcome.error, "Job.Boom");
        assert.match(outcome.cause!, /^the widget broke\n/);
        assert.match(outcome.cause!, /\n\s+at /, "the cause carries the stack");
        assert.equal((await worker.waitForExit()).code, 0, "a job failure is reported, not a crash");
    });

    it("caps the error name at 256 and the cause at 32768 characters", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s));
        const name = "E".repeat(300);
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: input({ durationMs: 0, failWith: name, failMessage: "m".repeat(40_000) }),
        });
        const outcome = await task.outcome;
        assert.equal(
            outcome.kind,
            "failed",
            "the capped failure was accepted by the endpoint (which refuses longer ones)",
        );
        if (outcome.kind !== "failed") return;
        assert.equal(outcome.error, "E".repeat(256));
        assert.ok(
            outcome.cause!.length <= 32_768 && outcome.cause!.length > 32_000,
            `cause length ${outcome.cause!.length}`,
        );
        assert.match(outcome.cause!, /\[truncated\]$/);
        assert.equal((await worker.waitForExit()).code, 0);
    });

    it("fails input that is not JSON, or that the job rejects, with Worker.InvalidInput", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s, { MAX_TASKS: "2" }));
        const notJson = s.store.schedule({ activityArn: s.activityArn, input: "{not json" });
        const badDuration = s.store.schedule({ activityArn: s.activityArn, input: input({ durationMs: -5 }) });
        const a = await notJson.outcome;
        const b = await badDuration.outcome;
        assert.equal(a.kind === "failed" && a.error, "Worker.InvalidInput");
        assert.match((a as { cause: string }).cause, /not valid JSON/);
        assert.equal(b.kind === "failed" && b.error, "Worker.InvalidInput");
        assert.match((b as { cause: string }).cause, /durationMs must be a non-negative number/);
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 0);
        assert.equal(s.endpoint.requestsFor("GetActivityTask").length, 2);
    });

    it("fails an output over 256 KiB with Worker.OutputTooLarge instead of crashing", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s));
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: input({ durationMs: 0, echo: "x".repeat(262_144) }),
        });
        const outcome = await task.outcome;
        assert.equal(outcome.kind === "failed" && outcome.error, "Worker.OutputTooLarge");
        assert.match((outcome as { cause: string }).cause, /262\d{3} bytes/);
        assert.equal(s.endpoint.requestsFor("SendTaskSuccess").length, 0, "checked before sending");
        assert.equal((await worker.waitForExit()).code, 0);
    });

    it("heartbeats every third of HEARTBEAT_SECONDS, keeping a task alive past its heartbeat timeout", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s, { HEARTBEAT_SECONDS: "0.6" }));
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: input({ durationMs: 1300 }),
            heartbeatSeconds: 0.6,
        });
        const outcome = await task.outcome;
        assert.equal(outcome.kind, "succeeded", `outcome ${JSON.stringify(outcome)}`);
        const beats = s.endpoint.requestsFor("SendTaskHeartbeat");
        assert.ok(beats.length >= 4 && beats.length <= 8, `${beats.length} heartbeats in 1.3 s at 0.2 s`);
        assert.ok(beats.every(b => b.status === 200 && b.body.taskToken === task.taskToken));
        assert.equal(s.store.task(task.taskToken)!.heartbeats, beats.length);
        assert.equal((await worker.waitForExit()).code, 0);
    });

    it("a TaskTimedOut answer to a heartbeat aborts the job and nothing more is sent for that task", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s, { HEARTBEAT_SECONDS: "0.6" }));
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: input({ durationMs: 20_000 }),
            timeoutSeconds: 0.5,
        });
        assert.deepEqual(await task.outcome, { kind: "timedOut", error: "States.Timeout" });
        const exit = await worker.waitForExit(5000);
        assert.equal(exit.code, 0);
        assert.ok(
            exit.at - worker.startedAt < 4000,
            `the 20 s job was aborted (exit after ${exit.at - worker.startedAt} ms)`,
        );
        const beats = s.endpoint.requestsFor("SendTaskHeartbeat");
        assert.equal(beats[beats.length - 1].errorCode, "TaskTimedOut");
        assert.equal(beats.filter(b => b.errorCode === "TaskTimedOut").length, 1, "no heartbeat after TaskTimedOut");
        assert.equal(
            s.endpoint.requestsFor("SendTaskSuccess").length + s.endpoint.requestsFor("SendTaskFailure").length,
            0,
        );
        const closed = worker.logs().find(l => l.event === "task.closedByService");
        assert.equal(closed.error, "TaskTimedOut");
    });

    it("SIGTERM mid-task: the job is aborted, Worker.Interrupted is reported, exit 3 within 5 s", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s));
        const task = s.store.schedule({ activityArn: s.activityArn, input: input({ durationMs: 30_000 }) });
        await worker.waitForLog("job.working");
        const signalledAt = Date.now();
        worker.child.kill("SIGTERM");
        const exit = await worker.waitForExit(8000);
        assert.equal(exit.code, 3);
        assert.ok(exit.at - signalledAt < 5000, `exited ${exit.at - signalledAt} ms after SIGTERM`);
        const outcome = await task.outcome;
        assert.equal(outcome.kind === "failed" && outcome.error, "Worker.Interrupted");
        assert.match((outcome as { cause: string }).cause, /SIGTERM/);
        assert.equal(s.endpoint.requestsFor("GetActivityTask").length, 1, "no poll after the stop");
    });

    it("SIGTERM while polling: the open poll is not abandoned; a task it brings is failed with Worker.Interrupted", async () => {
        const s = await local(4);
        const worker = spawnWorker(workerEnv(s));
        await s.endpoint.waitForRequest("GetActivityTask");
        await until(() => s.store.waitingPollers(s.activityArn) === 1, 3000, "the poll to wait in the store");
        worker.child.kill("SIGTERM");
        await worker.waitForLog("worker.stopping");
        await delay(300);
        assert.ok(worker.running(), "the worker waits for its open poll");
        assert.equal(s.store.waitingPollers(s.activityArn), 1, "the poll is still open");
        const task = s.store.schedule({ activityArn: s.activityArn, input: input({ durationMs: 0 }) });
        const outcome = await task.outcome;
        assert.equal(outcome.kind === "failed" && outcome.error, "Worker.Interrupted");
        assert.match((outcome as { cause: string }).cause, /job was not started/);
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 3);
        assert.equal(s.endpoint.requestsFor("GetActivityTask").length, 1);
        assert.ok(!worker.logs().some(l => l.event === "job.working"), "the job never started");
    });

    it("SIGTERM while polling with no task: exits 0 once the poll comes back empty, never polls again", async () => {
        const s = await local(1);
        const worker = spawnWorker(workerEnv(s));
        const poll = await s.endpoint.waitForRequest("GetActivityTask");
        worker.child.kill("SIGTERM");
        const exit = await worker.waitForExit(5000);
        assert.equal(exit.code, 0);
        assert.ok(exit.at >= poll.time + 900, "it waited for the poll's answer");
        assert.equal(poll.clientGone, false, "the poll was answered, not dropped");
        assert.equal(s.endpoint.requestsFor("GetActivityTask").length, 1);
        assert.equal(worker.logs().find(l => l.event === "worker.exit").reason, "stopped");
    });

    it("retries SendTaskSuccess after two 500s; the result arrives once", async () => {
        const s = await local();
        s.endpoint.injectFault({ operation: "SendTaskSuccess", times: 2, status: 500 });
        const worker = spawnWorker(workerEnv(s));
        const task = s.store.schedule({ activityArn: s.activityArn, input: input({ durationMs: 0, echo: 7 }) });
        assert.deepEqual(await task.outcome, { kind: "succeeded", output: '{"result":"ecs done","echo":7}' });
        assert.equal((await worker.waitForExit()).code, 0);
        const sends = s.endpoint.requestsFor("SendTaskSuccess");
        assert.deepEqual(
            sends.map(r => [r.status, !!r.injected]),
            [
                [500, true],
                [500, true],
                [200, false],
            ],
        );
        assert.ok(sends.every(r => r.body.output === '{"result":"ecs done","echo":7}'));
        assert.equal(worker.logs().filter(l => l.event === "report.retry").length, 2);
        assert.equal(worker.logs().filter(l => l.event === "task.finished").length, 1);
    });

    it("after MAX_TASKS tasks it never polls again and exits 0", async () => {
        const s = await local();
        const tasks = [1, 2, 3].map(n =>
            s.store.schedule({ activityArn: s.activityArn, input: input({ durationMs: 0, echo: n }) }),
        );
        const worker = spawnWorker(workerEnv(s, { MAX_TASKS: "2" }));
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 0);
        assert.equal((await tasks[0].outcome).kind, "succeeded");
        assert.equal((await tasks[1].outcome).kind, "succeeded");
        assert.equal(s.endpoint.requestsFor("GetActivityTask").length, 2, "exactly one poll per task");
        assert.equal(s.store.queuedTasks(s.activityArn), 1, "the third task waits for another worker");
        assert.equal(s.store.task(tasks[2].taskToken)!.status, "scheduled");
        assert.equal(worker.logs().find(l => l.event === "worker.exit").reason, "maxTasks");
    });

    it("stops after IDLE_TIMEOUT_SECONDS without a task, only once a poll came back empty: exit 0", async () => {
        const s = await local(0.3);
        const worker = spawnWorker(workerEnv(s, { IDLE_TIMEOUT_SECONDS: "1" }));
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 0);
        // Empty polls of 0.3 s until a full second has passed: several, unless a loaded machine
        // delayed the first answer past the limit (then one); never an exit before the limit.
        const polls = s.endpoint.requestsFor("GetActivityTask");
        assert.ok(polls.length >= 1, `${polls.length} polls`);
        assert.ok(worker.logs().find(l => l.event === "worker.idle").idleMs >= 1000, "idle for the whole limit");
        for (const p of polls)
            assert.ok(
                p.finishedAt && !p.clientGone && p.finishedAt <= exit.at,
                "every poll was answered before the exit",
            );
        const last = worker.logs().find(l => l.event === "worker.exit");
        assert.equal(last.reason, "idle");
    });

    it("missing ACTIVITY_ARN: exit 2 with one line naming it, before any AWS call", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s, { ACTIVITY_ARN: undefined }));
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 2);
        const lines = worker.stdout().trim().split("\n");
        assert.equal(lines.length, 1);
        const line = JSON.parse(lines[0]);
        assert.equal(line.event, "config.invalid");
        assert.equal(line.variable, "ACTIVITY_ARN");
        assert.match(line.message, /ACTIVITY_ARN is required/);
        assert.equal(s.endpoint.requests.length, 0);
    });

    for (const [variable, value] of [
        ["MAX_TASKS", "zero"],
        ["HEARTBEAT_SECONDS", "-1"],
        ["JOB_DURATION_MS", "1.5"],
        ["ACTIVITY_ARN", "arn:aws:states:us-east-1:000000000000:activity:bad name"],
    ] as const) {
        it(`malformed ${variable}: exit 2 naming it`, async () => {
            const s = await local();
            const worker = spawnWorker(workerEnv(s, { [variable]: value }));
            assert.equal((await worker.waitForExit()).code, 2);
            const line = JSON.parse(worker.stdout().trim());
            assert.equal(line.variable, variable);
            assert.ok(line.message.includes(variable) && line.message.includes(JSON.stringify(value)), line.message);
            assert.equal(s.endpoint.requests.length, 0);
        });
    }

    it("an activity Step Functions does not know: exit 2 after one refused poll", async () => {
        const s = await local();
        const worker = spawnWorker(
            workerEnv(s, { ACTIVITY_ARN: "arn:aws:states:us-east-1:000000000000:activity:nobody-made-this" }),
        );
        assert.equal((await worker.waitForExit()).code, 2);
        assert.deepEqual(
            s.endpoint.requests.map(r => [r.operation, r.errorCode]),
            [["GetActivityTask", "ActivityDoesNotExist"]],
        );
        assert.equal(worker.logs().find(l => l.event === "poll.rejected").error, "ActivityDoesNotExist");
    });
});

describe("the bundle with nothing listening", function () {
    this.timeout(20_000);
    const os = require("os") as typeof import("os");

    before(async function () {
        this.timeout(120_000);
        await ensureWorkerBundle();
    });
    after(killWorkers);

    it("reaches its first poll, finds nothing listening and exits promptly (IDLE_TIMEOUT_SECONDS=0)", async () => {
        const worker = spawnWorker({
            PATH: process.env.PATH,
            HOME: os.tmpdir(),
            ACTIVITY_ARN: "arn:aws:states:us-east-1:000000000000:activity:nothing-listening",
            AWS_REGION: "us-east-1",
            AWS_ACCESS_KEY_ID: "test",
            AWS_SECRET_ACCESS_KEY: "test",
            AWS_ENDPOINT_URL_SFN: "http://127.0.0.1:9",
            IDLE_TIMEOUT_SECONDS: "0",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        });
        const exit = await worker.waitForExit(10_000);
        assert.equal(exit.code, 1, "poll failed (nothing on the port), a normal exit");
        assert.ok(exit.at - worker.startedAt < 5000);
        assert.equal(worker.logs().find(l => l.event === "worker.exit").reason, "pollFailed");
    });
});

describe("worker process on ECS: marks its own task for the healer", function () {
    this.timeout(20_000);
    const http = require("http") as typeof import("http");
    const { startAwsJsonServer } =
        require("../../local/shared/aws-json-server") as typeof import("../../local/shared/aws-json-server");
    const TASK_ARN = "arn:aws:ecs:us-east-1:000000000000:task/local-cluster/9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";
    let sfn: LocalSfn | undefined;
    const closers: Array<() => Promise<void>> = [];

    before(async function () {
        this.timeout(120_000);
        await ensureWorkerBundle();
    });
    afterEach(async () => {
        await killWorkers();
        await sfn?.close();
        sfn = undefined;
        for (const close of closers.splice(0)) await close();
    });

    it("tags its ECS task (from the metadata endpoint) with the execution it took, through AWS_ENDPOINT_URL_ECS", async () => {
        sfn = await startLocalSfn();
        const metadata = http.createServer((req, res) => {
            res.writeHead(req.url === "/v4/9f1c/task" ? 200 : 404, { "content-type": "application/json" });
            res.end(JSON.stringify({ TaskARN: TASK_ARN, Cluster: "local-cluster" }));
        });
        await new Promise<void>(r => metadata.listen(0, "127.0.0.1", r));
        closers.push(() => new Promise(r => metadata.close(() => r())));
        const tagged: any[] = [];
        const ecs = await startAwsJsonServer({
            protocol: "1.1",
            targetPrefix: "AmazonEC2ContainerServiceV20141113",
            operations: { TagResource: body => (tagged.push(body), {}) },
        });
        closers.push(() => ecs.close());
        const worker = spawnWorker(
            workerEnv(sfn, {
                WORKER_NAME: undefined,
                ECS_CONTAINER_METADATA_URI_V4: `http://127.0.0.1:${(metadata.address() as import("net").AddressInfo).port}/v4/9f1c`,
                AWS_ENDPOINT_URL_ECS: ecs.url,
            }),
        );
        const task = sfn.store.schedule({ activityArn: sfn.activityArn, input: input({ durationMs: 200 }) });
        assert.equal((await task.outcome).kind, "succeeded");
        assert.equal((await worker.waitForExit()).code, 0);
        assert.deepEqual(tagged, [
            { resourceArn: TASK_ARN, tags: [{ key: "step-functions-activity-task", value: EXECUTION_ARN }] },
        ]);
        assert.equal(
            sfn.store.task(task.taskToken)!.workerName,
            "9f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
            "named after its ECS task",
        );
        assert.ok(worker.logs().some(l => l.event === "worker.started" && l.ecsTaskArn === TASK_ARN));
    });
});
