// runActivityWorker in this process: with the real SDK against the local endpoint for what the
// handler sees, and with a scripted ActivityApi (instant sleeps) for the failure paths.
import { strict as assert } from "assert";
import * as http from "http";
import { AddressInfo } from "net";
import { runWorker as runActivityWorker } from "../../worker-image/lib/worker";
import { createLogger } from "../../worker-image/lib/log";
import { createSfnClient, sfnActivityApi, ActivityApi, ActivityTask } from "../../worker-image/lib/sfn-api";
import { HandlerContext } from "../../worker-image/lib/types";
import { namedError } from "../../worker-image/lib/errors";
import { LocalSfn, startLocalSfn } from "./harness";

const ARN = "arn:aws:states:us-east-1:000000000000:activity:lib-test";

function capture() {
    const lines: any[] = [];
    return { lines, logger: createLogger({ write: l => lines.push(JSON.parse(l)), level: "debug" }) };
}

function awsError(name: string, status: number): Error {
    return Object.assign(namedError(name, `${name}!`), {
        $metadata: { httpStatusCode: status },
        $fault: status >= 500 ? "server" : "client",
    });
}

/** An ActivityApi that hands out the given tasks, then empty polls, and records every call. */
function scriptedApi(tasks: ActivityTask[], overrides: Partial<ActivityApi> = {}) {
    const calls: Array<{ op: string; request: any }> = [];
    const api: ActivityApi = {
        getActivityTask: async request => {
            calls.push({ op: "GetActivityTask", request });
            return tasks.shift() ?? {};
        },
        sendTaskSuccess: async request => void calls.push({ op: "SendTaskSuccess", request }),
        sendTaskFailure: async request => void calls.push({ op: "SendTaskFailure", request }),
        sendTaskHeartbeat: async request => void calls.push({ op: "SendTaskHeartbeat", request }),
        destroy: () => void calls.push({ op: "destroy", request: undefined }),
        ...overrides,
    };
    return { api, calls };
}

const instant = async () => undefined;

describe("worker library (runActivityWorker)", function () {
    this.timeout(15_000);

    describe("with the real SDK against the local endpoint", () => {
        let sfn: LocalSfn;
        const saved = { ...process.env };
        beforeEach(async () => {
            sfn = await startLocalSfn({ maxPollSeconds: 1 });
            Object.assign(process.env, {
                AWS_ENDPOINT_URL_SFN: sfn.endpoint.url,
                AWS_ACCESS_KEY_ID: "test",
                AWS_SECRET_ACCESS_KEY: "test",
                AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
            });
        });
        afterEach(async () => {
            for (const k of [
                "AWS_ENDPOINT_URL_SFN",
                "AWS_ACCESS_KEY_ID",
                "AWS_SECRET_ACCESS_KEY",
                "AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED",
            ]) {
                if (saved[k] === undefined) delete process.env[k];
                else process.env[k] = saved[k];
            }
            await sfn.close();
        });

        it("strips _execution from the input and passes its ARNs in the context", async () => {
            let seen: { input: unknown; ctx: HandlerContext } | undefined;
            const { lines, logger } = capture();
            const task = sfn.store.schedule({
                activityArn: sfn.activityArn,
                input: JSON.stringify({
                    a: 1,
                    _execution: {
                        executionArn: "arn:aws:states:us-east-1:000000000000:execution:m:e",
                        taskArn: "arn:aws:ecs:us-east-1:000000000000:task/c/t1",
                    },
                }),
            });
            const result = await runActivityWorker({
                activityArn: sfn.activityArn,
                workerName: "lib-worker",
                logger,
                handler: (input, ctx) => {
                    seen = { input, ctx };
                    ctx.log.info("job.note", { x: 1 });
                    return { ok: true };
                },
            });
            assert.deepEqual(result, { reason: "maxTasks", exitCode: 0, tasks: 1, unreported: 0 });
            assert.deepEqual(seen!.input, { a: 1 });
            assert.equal(seen!.ctx.executionArn, "arn:aws:states:us-east-1:000000000000:execution:m:e");
            assert.equal(seen!.ctx.triggeredTaskArn, "arn:aws:ecs:us-east-1:000000000000:task/c/t1");
            assert.equal(seen!.ctx.workerName, "lib-worker");
            assert.deepEqual(await task.outcome, { kind: "succeeded", output: '{"ok":true}' });
            const note = lines.find(l => l.event === "job.note");
            assert.equal(note.executionArn, "arn:aws:states:us-east-1:000000000000:execution:m:e");
            assert.equal(note.tokenHash, seen!.ctx.tokenHash);
        });

        it("context.heartbeat() reaches Step Functions; once the task is closed it rejects and aborts the job", async () => {
            const task = sfn.store.schedule({ activityArn: sfn.activityArn, input: "{}" });
            let aborted: unknown;
            const result = await runActivityWorker({
                activityArn: sfn.activityArn,
                workerName: "w",
                logger: capture().logger,
                handler: async (_input, ctx) => {
                    await ctx.heartbeat();
                    assert.equal(sfn.store.task(task.taskToken)!.heartbeats, 1);
                    task.cancel("execution stopped");
                    await assert.rejects(ctx.heartbeat(), (e: Error) => e.name === "Worker.TaskClosed");
                    aborted = ctx.signal.reason;
                    return { never: "sent" };
                },
            });
            assert.equal((aborted as Error).name, "Worker.TaskClosed");
            assert.deepEqual(result, { reason: "maxTasks", exitCode: 0, tasks: 1, unreported: 0 });
            assert.deepEqual(
                sfn.endpoint.requests.map(r => r.operation),
                ["GetActivityTask", "SendTaskHeartbeat", "SendTaskHeartbeat"],
            );
        });

        it("a job that ignores its abort signal is still reported as interrupted at once on stop", async () => {
            const task = sfn.store.schedule({ activityArn: sfn.activityArn, input: "{}" });
            const stop = new AbortController();
            let finishJob!: () => void;
            const started = Date.now();
            const result = await runActivityWorker({
                activityArn: sfn.activityArn,
                workerName: "w",
                logger: capture().logger,
                shutdownSignal: stop.signal,
                handler: () =>
                    new Promise(resolve => {
                        finishJob = () => resolve({ late: true });
                        setTimeout(() => stop.abort("SIGTERM"), 50);
                    }),
            });
            assert.ok(Date.now() - started < 2000);
            assert.deepEqual(result, { reason: "interrupted", exitCode: 3, tasks: 1, unreported: 0 });
            const outcome = await task.outcome;
            assert.equal(outcome.kind === "failed" && outcome.error, "Worker.Interrupted");
            finishJob();
        });

        it("SendTaskSuccess refused for good (InvalidOutput) falls back to SendTaskFailure, so the task does not hang", async () => {
            sfn.endpoint.injectFault({
                operation: "SendTaskSuccess",
                status: 400,
                code: "InvalidOutput",
                message: "no",
            });
            const task = sfn.store.schedule({ activityArn: sfn.activityArn, input: "{}" });
            const result = await runActivityWorker({
                activityArn: sfn.activityArn,
                workerName: "w",
                logger: capture().logger,
                handler: () => ({ x: 1 }),
            });
            assert.equal(result.exitCode, 0);
            const outcome = await task.outcome;
            assert.equal(outcome.kind === "failed" && outcome.error, "Worker.InvalidOutput");
            assert.deepEqual(
                sfn.endpoint.requests.map(r => `${r.operation}:${r.status}`),
                ["GetActivityTask:200", "SendTaskSuccess:400", "SendTaskFailure:200"],
            );
        });

        it("a stop mid-task ends within 5 s even when the failure report hangs", async () => {
            const { startStepFunctionsEndpoint } = await import("../../local/sfn/endpoint");
            const hanging = await startStepFunctionsEndpoint({
                store: sfn.store,
                extraOperations: { SendTaskFailure: () => new Promise(() => undefined) },
            });
            process.env.AWS_ENDPOINT_URL_SFN = hanging.url;
            try {
                sfn.store.schedule({ activityArn: sfn.activityArn, input: "{}" });
                const stop = new AbortController();
                let stoppedAt = 0;
                const result = await runActivityWorker({
                    activityArn: sfn.activityArn,
                    workerName: "w",
                    logger: capture().logger,
                    shutdownSignal: stop.signal,
                    handler: (_input, ctx) =>
                        new Promise((_, reject) => {
                            setTimeout(() => ((stoppedAt = Date.now()), stop.abort("SIGTERM")), 20);
                            ctx.signal.addEventListener("abort", () => reject(ctx.signal.reason));
                        }),
                });
                const took = Date.now() - stoppedAt;
                assert.ok(took < 5000, `returned ${took} ms after the stop`);
                assert.deepEqual(
                    result,
                    { reason: "interrupted", exitCode: 1, tasks: 1, unreported: 1 },
                    "not reported: exit 1, not 3",
                );
                assert.ok(hanging.requestsFor("SendTaskFailure").length >= 1);
            } finally {
                await hanging.close();
            }
        });

        it("the SDK client waits at least 65 s for a poll and never retries on its own", async () => {
            const client = createSfnClient({ region: "us-east-1", requestTimeoutMs: 1000 });
            try {
                const handler = client.config.requestHandler as unknown as {
                    configProvider: Promise<{ requestTimeout?: number; connectionTimeout?: number }>;
                };
                const config = await handler.configProvider;
                assert.ok(config.requestTimeout! >= 65_000, `requestTimeout ${config.requestTimeout}`);
                assert.ok(config.connectionTimeout! > 0);
                assert.equal(await client.config.maxAttempts(), 1);
                sfn.endpoint.injectFault({ operation: "SendTaskHeartbeat", times: 5, status: 500 });
                const api = sfnActivityApi(client);
                await assert.rejects(
                    api.sendTaskHeartbeat({ taskToken: "AAAA" + "x".repeat(128) }),
                    (e: Error) => e.name === "InternalFailure",
                );
                assert.equal(
                    sfn.endpoint.requestsFor("SendTaskHeartbeat").length,
                    1,
                    "one request: the SDK did not retry",
                );
            } finally {
                client.destroy();
            }
        });
    });

    describe("with a scripted API (no server)", () => {
        it("a result that cannot be delivered counts as unreported: exit code 1", async () => {
            let attempts = 0;
            const { api } = scriptedApi([{ taskToken: "t1", input: "{}" }], {
                sendTaskSuccess: async () => {
                    attempts++;
                    throw awsError("ServiceUnavailable", 503);
                },
            });
            const { lines, logger } = capture();
            const result = await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api,
                logger,
                sleep: instant,
                handler: () => ({}),
            });
            assert.equal(attempts, 10, "the default policy's ten attempts");
            assert.deepEqual(result, { reason: "maxTasks", exitCode: 1, tasks: 1, unreported: 1 });
            assert.equal(lines.filter(l => l.event === "report.retry").length, 9);
            assert.equal(lines.find(l => l.event === "report.failed").operation, "SendTaskSuccess");
        });

        it("TaskTimedOut when reporting: logged, nothing more sent, not counted as lost", async () => {
            const { api, calls } = scriptedApi([{ taskToken: "t1", input: "{}" }], {
                sendTaskFailure: async request => {
                    calls.push({ op: "SendTaskFailure", request });
                    throw awsError("TaskTimedOut", 400);
                },
            });
            const { lines, logger } = capture();
            const result = await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api,
                logger,
                sleep: instant,
                handler: () => Promise.reject(new Error("job failed")),
            });
            assert.deepEqual(result, { reason: "maxTasks", exitCode: 0, tasks: 1, unreported: 0 });
            assert.deepEqual(
                calls.map(c => c.op),
                ["GetActivityTask", "SendTaskFailure", "destroy"],
            );
            assert.equal(lines.find(l => l.event === "task.closedByService").error, "TaskTimedOut");
        });

        it("failed polls back off and retry; past the idle limit the worker stops with exit code 1", async () => {
            let polls = 0;
            const sleeps: number[] = [];
            const { api } = scriptedApi([], {
                getActivityTask: async () => {
                    polls++;
                    throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
                },
            });
            let clock = 1_000_000;
            const result = await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api,
                logger: capture().logger,
                idleTimeoutSeconds: 10,
                random: () => 0.5,
                handler: () => ({}),
                now: () => clock,
                sleep: async ms => {
                    sleeps.push(ms);
                    clock += ms + 1000;
                },
            });
            assert.deepEqual(result, { reason: "pollFailed", exitCode: 1, tasks: 0, unreported: 0 });
            assert.ok(polls >= 3, `${polls} polls`);
            assert.deepEqual(
                sleeps.slice(0, 3),
                [250, 500, 1000],
                "capped exponential backoff (with jitter fixed at 0.5)",
            );
        });

        it("a task brought by the poll that outlived a stop gets its own report time", async () => {
            const stop = new AbortController();
            let failures = 0;
            const { api, calls } = scriptedApi([], {
                getActivityTask: async () => {
                    stop.abort("SIGTERM");
                    await new Promise(r => setTimeout(r, 400)); // the open poll finishes well after the stop
                    return { taskToken: "t1", input: "{}" };
                },
                sendTaskFailure: async request => {
                    calls.push({ op: "SendTaskFailure", request });
                    if (++failures < 3) throw awsError("InternalFailure", 500);
                },
            });
            const result = await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api,
                logger: capture().logger,
                shutdownSignal: stop.signal,
                stopReportMs: 300,
                reportBackoff: { baseDelayMs: 40, maxDelayMs: 40, maxAttempts: 10 },
                handler: () => assert.fail("the job must not start"),
            });
            assert.deepEqual(result, { reason: "interrupted", exitCode: 3, tasks: 1, unreported: 0 });
            assert.equal(failures, 3);
            assert.equal(calls.find(c => c.op === "SendTaskFailure")!.request.error, "Worker.Interrupted");
        });

        it("marks the container's ECS task when it takes a task, without holding up the job; a failed mark is only logged", async () => {
            const marks: Array<string | undefined> = [];
            let fail = false;
            const marker = {
                markTaken: async (executionArn: string | undefined) => {
                    marks.push(executionArn);
                    if (fail) throw awsError("AccessDeniedException", 400);
                },
                destroy: () => undefined,
            };
            const input = (n: number) =>
                JSON.stringify({
                    _execution: { executionArn: `arn:aws:states:us-east-1:000000000000:execution:m:e${n}` },
                });
            const { api, calls } = scriptedApi([
                { taskToken: "t1", input: input(1) },
                { taskToken: "t2", input: input(2) },
            ]);
            const { lines, logger } = capture();
            const result = await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api,
                logger,
                sleep: instant,
                maxTasks: 2,
                taskMarker: marker,
                handler: () => {
                    fail = true;
                    return {};
                },
            });
            assert.deepEqual(result, { reason: "maxTasks", exitCode: 0, tasks: 2, unreported: 0 });
            assert.deepEqual(marks.slice(0, 2), [
                "arn:aws:states:us-east-1:000000000000:execution:m:e1",
                "arn:aws:states:us-east-1:000000000000:execution:m:e2",
            ]);
            assert.equal(calls.filter(c => c.op === "SendTaskSuccess").length, 2, "both jobs ran and reported");
            assert.ok(lines.some(l => l.event === "task.markFailed" && l.error === "AccessDeniedException"));

            const none = scriptedApi([{ taskToken: "t3", input: "{}" }]);
            marks.length = 0;
            await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api: none.api,
                logger: capture().logger,
                sleep: instant,
                taskMarker: false,
                handler: () => ({}),
            });
            assert.deepEqual(marks, []);
        });

        it("a refused poll (AccessDenied) stops at once with exit code 2", async () => {
            const { api } = scriptedApi([], {
                getActivityTask: async () => Promise.reject(awsError("AccessDeniedException", 400)),
            });
            const result = await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api,
                logger: capture().logger,
                sleep: instant,
                handler: () => ({}),
            });
            assert.deepEqual(result, { reason: "pollRejected", exitCode: 2, tasks: 0, unreported: 0 });
        });

        it("a stop during report retries cuts them short within stopReportMs", async () => {
            const stop = new AbortController();
            let attempts = 0;
            const { api } = scriptedApi([{ taskToken: "t1", input: "{}" }], {
                sendTaskSuccess: async () => {
                    attempts++;
                    if (attempts === 2) stop.abort("SIGTERM");
                    throw awsError("InternalFailure", 500);
                },
            });
            const started = Date.now();
            const result = await runActivityWorker({
                activityArn: ARN,
                workerName: "w",
                api,
                logger: capture().logger,
                shutdownSignal: stop.signal,
                stopReportMs: 300,
                reportBackoff: { baseDelayMs: 100, maxDelayMs: 100, maxAttempts: 1000 },
                handler: () => ({}),
            });
            assert.ok(Date.now() - started < 1500, `took ${Date.now() - started} ms`);
            assert.ok(attempts >= 2 && attempts < 20, `${attempts} attempts`);
            assert.deepEqual(result, { reason: "maxTasks", exitCode: 1, tasks: 1, unreported: 1 });
        });

        /** Serves `answer` as a task metadata endpoint; `use` gets its ECS_CONTAINER_METADATA_URI_V4 (path /v4/abc). */
        async function withMetadataEndpoint(answer: http.RequestListener, use: (uri: string) => Promise<void>) {
            const server = http.createServer(answer);
            await new Promise<void>(r => server.listen(0, "127.0.0.1", r));
            try {
                await use(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v4/abc`);
            } finally {
                server.closeAllConnections();
                server.close();
            }
        }

        const taskJson = (id: string) =>
            JSON.stringify({ TaskARN: `arn:aws:ecs:us-east-1:000000000000:task/my-cluster/${id}` });

        /** Runs a worker that stops once a poll comes back empty; returns its calls and log lines. */
        async function runWithMetadata(uri: string, shutdownSignal?: AbortSignal) {
            const { api, calls } = scriptedApi([]);
            const { lines, logger } = capture();
            const result = await runActivityWorker({
                activityArn: ARN,
                api,
                env: { ECS_CONTAINER_METADATA_URI_V4: uri },
                logger,
                idleTimeoutSeconds: 0,
                shutdownSignal,
                handler: () => ({}),
            });
            return { result, calls, lines };
        }

        it("names itself after the ECS task from the container metadata endpoint", async () => {
            await withMetadataEndpoint(
                (req, res) => {
                    res.writeHead(req.url === "/v4/abc/task" ? 200 : 404, { "content-type": "application/json" });
                    res.end(taskJson("5f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e"));
                },
                async uri => {
                    const { result, calls, lines } = await runWithMetadata(uri);
                    assert.equal(result.reason, "idle");
                    assert.equal(calls[0].request.workerName, "5f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e");
                    const started = lines.find(l => l.event === "worker.started");
                    assert.equal(started.workerNameSource, "ecs");
                    assert.match(started.ecsTaskArn, /task\/my-cluster\//);
                },
            );
        });

        it("waits seconds for a slow metadata endpoint rather than naming itself after the host", async () => {
            await withMetadataEndpoint(
                (req, res) => {
                    setTimeout(() => {
                        res.writeHead(200, { "content-type": "application/json" });
                        res.end(taskJson("0123456789abcdef0123456789abcdef"));
                    }, 1500);
                },
                async uri => {
                    const { calls } = await runWithMetadata(uri);
                    assert.equal(calls[0].request.workerName, "0123456789abcdef0123456789abcdef");
                },
            );
        });

        it("asks the metadata endpoint again when it fails at first, rather than naming itself after the host", async () => {
            let requests = 0;
            await withMetadataEndpoint(
                (req, res) => {
                    // Not answering yet: a busy host's endpoint, or one not ready for a container just started.
                    if (++requests <= 2) return void (res.writeHead(500), res.end());
                    res.writeHead(200, { "content-type": "application/json" });
                    res.end(taskJson("fedcba9876543210fedcba9876543210"));
                },
                async uri => {
                    const { calls } = await runWithMetadata(uri);
                    assert.equal(calls[0].request.workerName, "fedcba9876543210fedcba9876543210");
                    assert.equal(requests, 3);
                },
            );
        });

        it("a stop while it waits for the metadata endpoint ends the wait at once, and the worker stops without polling", async () => {
            await withMetadataEndpoint(
                (req, res) => void (res.writeHead(500), res.end()),
                async uri => {
                    const stop = new AbortController();
                    setTimeout(() => stop.abort("SIGTERM"), 300);
                    const started = Date.now();
                    const { result, calls } = await runWithMetadata(uri, stop.signal);
                    assert.ok(Date.now() - started < 2000, `stopped after ${Date.now() - started} ms`);
                    assert.deepEqual(
                        calls.filter(c => c.op === "GetActivityTask"),
                        [],
                        "no poll after the stop",
                    );
                    assert.equal(result.tasks, 0);
                },
            );
        });

        it("without metadata or WORKER_NAME it is host name and pid", async () => {
            const { api, calls } = scriptedApi([]);
            await runActivityWorker({
                activityArn: ARN,
                api,
                env: {},
                logger: capture().logger,
                idleTimeoutSeconds: 0,
                handler: () => ({}),
            });
            assert.ok(calls[0].request.workerName.endsWith(`-${process.pid}`));
            assert.ok(calls[0].request.workerName.length <= 80);
        });
    });
});
