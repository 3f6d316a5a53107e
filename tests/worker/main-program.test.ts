// A worker written as `runActivityWorker({ handler })` and nothing else (fixtures/handler-only-worker.ts,
// bundled as a consumer's image bundles it) is a container's whole main program: run as a real
// process against the local Step Functions endpoint, it heartbeats, reports a SIGTERM as
// Worker.Interrupted, refuses a bad variable, and ends the process by itself.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FORCE_EXIT_AFTER_MS } from "../../worker-image/lib/process-handling";
import { bundleWorker } from "../../components/worker-bundle";
import { killWorkers, LocalSfn, spawnWorker, startLocalSfn, workerEnv } from "./harness";

const FIXTURE = path.join(__dirname, "fixtures", "handler-only-worker.ts");

describe("a worker that is only runActivityWorker({ handler }), as a process", function () {
    this.timeout(20_000);
    let script: string;
    let sfn: LocalSfn | undefined;

    before(async function () {
        this.timeout(120_000);
        // Bundled by the components' own bundler, as a consumer's image is.
        const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "handler-only-worker-"));
        script = bundleWorker(FIXTURE, outDir).file;
    });
    after(() => fs.rmSync(path.dirname(script), { recursive: true, force: true }));

    afterEach(async () => {
        await killWorkers();
        await sfn?.close();
        sfn = undefined;
    });

    async function local(maxPollSeconds = 2): Promise<LocalSfn> {
        sfn = await startLocalSfn({ maxPollSeconds });
        return sfn;
    }

    it("heartbeats from HEARTBEAT_SECONDS: a job three times longer than it succeeds (and fails without it)", async () => {
        const s = await local();
        const input = JSON.stringify({ durationMs: 1800 });
        const worker = spawnWorker(workerEnv(s, { HEARTBEAT_SECONDS: "0.6" }), script);
        const task = s.store.schedule({ activityArn: s.activityArn, input, heartbeatSeconds: 0.6 });
        assert.deepEqual(await task.outcome, { kind: "succeeded", output: '{"waitedMs":1800}' });
        assert.ok(s.store.task(task.taskToken)!.heartbeats >= 3, `${s.store.task(task.taskToken)!.heartbeats}`);
        assert.equal((await worker.waitForExit()).code, 0);

        const silent = spawnWorker(workerEnv(s), script);
        const unbeaten = s.store.schedule({ activityArn: s.activityArn, input, heartbeatSeconds: 0.6 });
        assert.deepEqual(await unbeaten.outcome, { kind: "timedOut", error: "States.HeartbeatTimeout" });
        await silent.waitForExit();
    });

    it("SIGTERM mid-job: reports Worker.Interrupted and exits 3 at once", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s), script);
        const task = s.store.schedule({ activityArn: s.activityArn, input: JSON.stringify({ durationMs: 30_000 }) });
        await worker.waitForLog("job.working");
        const signalledAt = Date.now();
        worker.child.kill("SIGTERM");
        const exit = await worker.waitForExit(8000);
        assert.deepEqual([exit.code, exit.signal], [3, null]);
        assert.ok(exit.at - signalledAt < FORCE_EXIT_AFTER_MS, `exited ${exit.at - signalledAt} ms after SIGTERM`);
        const outcome = await task.outcome;
        assert.equal(outcome.kind === "failed" && outcome.error, "Worker.Interrupted");
        assert.match((outcome as { cause: string }).cause, /SIGTERM/);
        assert.ok(!worker.logs().some(l => l.event === "worker.forcedExit"));
    });

    it("a bad variable: exit 2 with one config.invalid line naming it, before any AWS call", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s, { IDLE_TIMEOUT_SECONDS: "soon" }), script);
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 2);
        assert.ok(exit.at - worker.startedAt < FORCE_EXIT_AFTER_MS + 2000);
        const lines = worker.stdout().trim().split("\n");
        assert.equal(lines.length, 1, worker.stdout());
        const line = JSON.parse(lines[0]);
        assert.equal(line.event, "config.invalid");
        assert.equal(line.variable, "IDLE_TIMEOUT_SECONDS");
        assert.match(line.message, /IDLE_TIMEOUT_SECONDS .*"soon"/);
        assert.equal(s.endpoint.requests.length, 0);
        assert.equal(worker.stderr(), "");
    });

    it("idle: exits 0 by itself (no open handle left, nothing forced); a stray rejection is only logged", async () => {
        const s = await local(0.3);
        const worker = spawnWorker(workerEnv(s, { IDLE_TIMEOUT_SECONDS: "0.5", MAX_TASKS: "2" }), script);
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: JSON.stringify({ strayRejection: true }),
        });
        assert.equal((await task.outcome).kind, "succeeded");
        const exit = await worker.waitForExit();
        assert.equal(exit.code, 0);
        const logs = worker.logs();
        const last = logs.find(l => l.event === "worker.exit");
        assert.equal(last.reason, "idle");
        assert.ok(
            exit.at - Date.parse(last.time) < FORCE_EXIT_AFTER_MS,
            `ended ${exit.at - Date.parse(last.time)} ms after worker.exit: before the forced exit`,
        );
        assert.ok(!logs.some(l => l.event === "worker.forcedExit"), "nothing kept the process alive");
        assert.equal(logs.find(l => l.event === "worker.unhandledRejection").error, "Job.Stray");
    });

    it("a job that ignores its signal: Worker.Interrupted is reported, a second SIGTERM is ignored, the exit (3) forced after the grace", async () => {
        const s = await local();
        const worker = spawnWorker(workerEnv(s), script);
        const task = s.store.schedule({
            activityArn: s.activityArn,
            input: JSON.stringify({ durationMs: 30_000, ignoreAbort: true }),
        });
        await worker.waitForLog("job.working");
        worker.child.kill("SIGTERM");
        await worker.waitForLog("worker.exit");
        assert.equal(((await task.outcome) as { error: string }).error, "Worker.Interrupted");
        assert.ok(worker.running(), "the job's timer keeps the process alive");
        worker.child.kill("SIGTERM");
        const exit = await worker.waitForExit(FORCE_EXIT_AFTER_MS + 5000);
        assert.deepEqual([exit.code, exit.signal], [3, null]);
        const logs = worker.logs();
        assert.equal(logs.find(l => l.event === "worker.signalIgnored").signal, "SIGTERM");
        const end = Date.parse(logs.find(l => l.event === "worker.exit").time);
        const forced = logs.find(l => l.event === "worker.forcedExit");
        assert.equal(forced.exitCode, 3);
        assert.ok(Date.parse(forced.time) - end >= FORCE_EXIT_AFTER_MS - 50, "after the grace");
    });
});
