// The warm Lambda runner: Lambda's handler contract, error shapes, timeouts, environment
// isolation, module resolution (only the SDK the runtime provides), reuse and cleanup.
import * as assert from "assert";
import { EcsEndpoint, startEcsEndpoint } from "../../../local/ecs/endpoint";
import { isAlive } from "../../helpers/processes";
import { waitFor } from "../../helpers/watched-executions";
import {
    InvokeFailure,
    InvokeResult,
    LambdaOutputLine,
    LambdaRunner,
    createLambdaRunner,
    exitMessage,
    stepFunctionsErrorOf,
    timeoutMessage,
} from "../../../local/lambda/runner";

function failed(result: InvokeResult): InvokeFailure {
    assert.strictEqual(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
    return result as InvokeFailure;
}

function succeeded(result: InvokeResult): any {
    assert.ok(result.ok, `expected success, got ${JSON.stringify(result)}`);
    return (result as { result: unknown }).result;
}

describe("Lambda runner: error mapping (pure)", () => {
    it("keeps a handler's error name for Step Functions, with Lambda's payload as the cause", () => {
        const mapped = stepFunctionsErrorOf({
            errorType: "Trigger.NoCapacity",
            errorMessage: "no capacity",
            trace: ["at x"],
        });
        assert.strictEqual(mapped.error, "Trigger.NoCapacity");
        assert.deepStrictEqual(JSON.parse(mapped.cause), {
            errorType: "Trigger.NoCapacity",
            errorMessage: "no capacity",
            trace: ["at x"],
        });
    });

    it("reports timeouts and dead runtimes as Lambda.Unknown, as Step Functions does", () => {
        const message = timeoutMessage("req-1", 3, new Date("2026-11-28T05:00:00Z"));
        assert.strictEqual(message, "2026-11-28T05:00:00.000Z req-1 Task timed out after 3.00 seconds");
        const mapped = stepFunctionsErrorOf({ errorType: "Sandbox.Timedout", errorMessage: message, trace: [] });
        assert.strictEqual(mapped.error, "Lambda.Unknown");
        assert.match(
            mapped.cause,
            /did not return an error type\. Returned payload: \{"errorMessage":".*Task timed out after 3\.00 seconds"\}$/,
        );
        assert.strictEqual(
            stepFunctionsErrorOf({ errorType: "Runtime.ExitError", errorMessage: "x", trace: [] }).error,
            "Lambda.Unknown",
        );
        assert.strictEqual(
            exitMessage("r", null, "SIGKILL"),
            "RequestId: r Error: Runtime exited with error: signal: killed",
        );
        assert.strictEqual(exitMessage("r", 3, null), "RequestId: r Error: Runtime exited with error: exit status 3");
    });
});

const COUNTER = `
let invocations = 0;
exports.handler = async (event, context) => ({
    pid: process.pid,
    invocations: ++invocations,
    echo: event,
    functionName: context.functionName,
    awsRequestId: context.awsRequestId,
    invokedFunctionArn: context.invokedFunctionArn,
    remaining: context.getRemainingTimeInMillis(),
});`;

const SLOW_ENV = `
exports.handler = async event => {
    await new Promise(resolve => setTimeout(resolve, event.waitMs));
    return { pid: process.pid, secret: process.env.SECRET, parentOnly: process.env.PARENT_ONLY, endpoint: process.env.AWS_ENDPOINT_URL_ECS, key: process.env.AWS_ACCESS_KEY_ID };
};`;

describe("Lambda runner: running serialized code as Lambda does", function () {
    this.timeout(30_000);
    let runner: LambdaRunner;
    let lines: LambdaOutputLine[];
    const pids = new Set<number>();

    beforeEach(() => {
        lines = [];
        runner = createLambdaRunner({
            region: "eu-west-1",
            baseEnvironment: { AWS_ENDPOINT_URL_ECS: "http://127.0.0.1:1" },
            output: line => lines.push(line),
        });
    });
    afterEach(async () => {
        await runner.close();
        const alive = [...pids].filter(isAlive);
        pids.clear();
        assert.deepStrictEqual(alive, [], "close() ended every environment");
    });

    it("calls exports.handler(event, context) in a warm process reused across invocations", async () => {
        const fn = { functionName: "counter", code: COUNTER, timeoutSeconds: 5 };
        const first = await runner.invoke(fn, { n: 1 });
        const second = await runner.invoke(fn, { n: 2 });
        const [a, b] = [succeeded(first), succeeded(second)];
        pids.add(a.pid);
        assert.strictEqual(a.pid, b.pid, "same execution environment");
        assert.deepStrictEqual([a.invocations, b.invocations], [1, 2], "module state survives, as in a warm Lambda");
        assert.notStrictEqual(a.pid, process.pid);
        assert.deepStrictEqual(b.echo, { n: 2 });
        assert.strictEqual(b.functionName, "counter");
        assert.strictEqual(b.awsRequestId, second.requestId);
        assert.strictEqual(b.invokedFunctionArn, "arn:aws:lambda:eu-west-1:000000000000:function:counter");
        assert.ok(b.remaining > 4_000 && b.remaining <= 5_000, `remaining ${b.remaining}`);
        assert.deepStrictEqual(runner.environments(), { counter: 1 });
    });

    it("gives each function its own environment, even when they run at the same time", async () => {
        process.env.PARENT_ONLY = "must not leak";
        try {
            const [a, b] = await Promise.all([
                runner.invoke({ functionName: "a", code: SLOW_ENV, environment: { SECRET: "for-a" } }, { waitMs: 150 }),
                runner.invoke(
                    {
                        functionName: "b",
                        code: SLOW_ENV,
                        environment: { SECRET: "for-b", AWS_ACCESS_KEY_ID: "AKIAREAL" },
                    },
                    { waitMs: 150 },
                ),
            ]);
            const [ra, rb] = [succeeded(a), succeeded(b)];
            pids.add(ra.pid).add(rb.pid);
            assert.notStrictEqual(ra.pid, rb.pid);
            assert.deepStrictEqual([ra.secret, rb.secret], ["for-a", "for-b"]);
            assert.strictEqual(ra.parentOnly, undefined);
            assert.strictEqual(
                ra.endpoint,
                "http://127.0.0.1:1",
                "the runner's base environment is given to every function",
            );
            assert.strictEqual(rb.key, "AKIALOCAL0000000000", "credentials are the runtime's, not the function's");
        } finally {
            delete process.env.PARENT_ONLY;
        }
    });

    it("scales out to concurrent invocations up to a cap, then queues", async () => {
        await runner.close();
        runner = createLambdaRunner({ maxEnvironmentsPerFunction: 2, output: () => undefined });
        const fn = { functionName: "slow", code: SLOW_ENV };
        const started = Date.now();
        const results = (await Promise.all([1, 2, 3].map(() => runner.invoke(fn, { waitMs: 300 })))).map(succeeded);
        results.forEach(r => pids.add(r.pid));
        assert.strictEqual(new Set(results.map(r => r.pid)).size, 2, "two environments served three invocations");
        assert.ok(Date.now() - started >= 600, "the third waited for a free environment");
        assert.deepStrictEqual(runner.environments(), { slow: 2 });
    });

    it("reports errors with Lambda's shapes: the Error's name, or typeof for a non-Error", async () => {
        const code = `
class NoCapacity extends Error { constructor(m) { super(m); this.name = "Trigger.NoCapacity"; } }
exports.handler = async event => {
    if (event.kind === "error") throw new NoCapacity("no Fargate capacity");
    if (event.kind === "string") throw "plain string";
    if (event.kind === "object") return Promise.reject({ code: 1 });
    if (event.kind === "undefined") return undefined;
    return { pid: process.pid };
};`;
        const fn = { functionName: "errors", code };
        const error = failed(await runner.invoke(fn, { kind: "error" }));
        assert.deepStrictEqual([error.errorType, error.errorMessage], ["Trigger.NoCapacity", "no Fargate capacity"]);
        assert.match(error.trace[0], /^Trigger\.NoCapacity: no Fargate capacity/);
        const text = failed(await runner.invoke(fn, { kind: "string" }));
        assert.deepStrictEqual([text.errorType, text.errorMessage, text.trace], ["string", "plain string", []]);
        const object = failed(await runner.invoke(fn, { kind: "object" }));
        assert.deepStrictEqual([object.errorType, object.errorMessage], ["object", "[object Object]"]);
        assert.strictEqual(
            succeeded(await runner.invoke(fn, { kind: "undefined" })),
            null,
            "undefined becomes null, as JSON",
        );
        pids.add(succeeded(await runner.invoke(fn, {})).pid);
        assert.deepStrictEqual(runner.environments(), { errors: 1 }, "a handled error keeps the environment");
    });

    it("supports callback-style handlers", async () => {
        const code = `exports.handler = (event, context, callback) => { setTimeout(() => callback(null, { doubled: event.n * 2 }), 10); };`;
        assert.deepStrictEqual(succeeded(await runner.invoke({ functionName: "cb", code }, { n: 21 })), {
            doubled: 42,
        });
    });

    it("ends a timed-out invocation's process: Sandbox.Timedout, then a cold start", async () => {
        const code = `exports.handler = async event => event.hang ? new Promise(() => {}) : { pid: process.pid };`;
        const fn = { functionName: "hangs", code, timeoutSeconds: 0.3 };
        const before = succeeded(await runner.invoke(fn, {})).pid;
        pids.add(before);
        const timedOut = failed(await runner.invoke(fn, { hang: true }));
        assert.strictEqual(timedOut.errorType, "Sandbox.Timedout");
        assert.match(
            timedOut.errorMessage,
            new RegExp(`^\\S+Z ${timedOut.requestId} Task timed out after 0\\.30 seconds$`),
        );
        assert.ok(timedOut.durationMs >= 290 && timedOut.durationMs < 3_000, `took ${timedOut.durationMs} ms`);
        assert.strictEqual(isAlive(before), false, "the environment was killed");
        const after = succeeded(await runner.invoke(fn, {})).pid;
        pids.add(after);
        assert.notStrictEqual(after, before);
    });

    it("reports a process that exits mid-invocation as Runtime.ExitError and recovers", async () => {
        const code = `exports.handler = async event => { if (event.exit) process.exit(3); return { pid: process.pid }; };`;
        const fn = { functionName: "exits", code };
        const exited = failed(await runner.invoke(fn, { exit: true }));
        assert.strictEqual(exited.errorType, "Runtime.ExitError");
        assert.match(exited.errorMessage, /Runtime exited with error: exit status 3$/);
        pids.add(succeeded(await runner.invoke(fn, {})).pid);
    });

    it("a queued invocation gets a fresh environment when the busy one dies, and a dead idle one is never reused", async () => {
        await runner.close();
        runner = createLambdaRunner({ maxEnvironmentsPerFunction: 1, output: () => undefined });
        const code = `exports.handler = async event => {
            if (event.exit) process.exit(1);
            if (event.dieLater) setTimeout(() => process.exit(1), 20);
            return { pid: process.pid };
        };`;
        const fn = { functionName: "fragile", code };
        const [dies, queued] = await Promise.all([runner.invoke(fn, { exit: true }), runner.invoke(fn, {})]);
        assert.strictEqual(failed(dies).errorType, "Runtime.ExitError");
        const first = succeeded(queued).pid;
        pids.add(first);
        assert.strictEqual(succeeded(await runner.invoke(fn, { dieLater: true })).pid, first);
        await new Promise(resolve => setTimeout(resolve, 300));
        const next = succeeded(await runner.invoke(fn, {})).pid;
        pids.add(next);
        assert.notStrictEqual(next, first, "a new environment replaced the one that died while idle");
    });

    it("reports init failures: syntax errors, a missing handler, a missing module", async () => {
        const syntax = failed(
            await runner.invoke({ functionName: "syntax", code: "exports.handler = async () => {" }, {}),
        );
        assert.strictEqual(syntax.errorType, "Runtime.UserCodeSyntaxError");
        const missing = failed(
            await runner.invoke({ functionName: "nohandler", code: "exports.other = () => 1;" }, {}),
        );
        assert.deepStrictEqual(
            [missing.errorType, missing.errorMessage],
            ["Runtime.HandlerNotFound", "__index.handler is undefined or not exported"],
        );
        const noModule = failed(
            await runner.invoke(
                {
                    functionName: "nomodule",
                    code: `require("left-pad-not-installed"); exports.handler = async () => 1;`,
                },
                {},
            ),
        );
        assert.strictEqual(noModule.errorType, "Runtime.ImportModuleError");
        assert.deepStrictEqual(
            runner.environments(),
            { syntax: 0, nohandler: 0, nomodule: 0 },
            "failed environments are discarded",
        );
    });

    it("resolves the SDK the Lambda runtime provides, and nothing else of this project", async () => {
        const code = `
exports.handler = async () => {
    const can = name => { try { require.resolve(name); return true; } catch { return false; } };
    return { ecs: can("@aws-sdk/client-ecs"), sfn: can("@aws-sdk/client-sfn"), pulumi: can("@pulumi/pulumi"), yaml: can("yaml"), mocha: can("mocha") };
};`;
        assert.deepStrictEqual(succeeded(await runner.invoke({ functionName: "resolve", code }, {})), {
            ecs: true,
            sfn: true,
            pulumi: false,
            yaml: false,
            mocha: false,
        });
    });

    it("prints the handler's console output to the sink, tagged with the request id", async () => {
        const code = `exports.handler = async () => { console.log("hello", { a: 1 }); console.error("oops"); return 1; };`;
        const result = await runner.invoke({ functionName: "logs", code }, {});
        // The lines come through the environment's stdout and stderr pipes, which may trail the
        // result (as CloudWatch Logs trail an invocation in AWS): wait for them a while.
        const logged = (ending: string) => lines.some(l => l.functionName === "logs" && l.line.endsWith(ending));
        await waitFor(
            "both log lines",
            () => logged(`\t${result.requestId}\tINFO\thello { a: 1 }`) && logged(`\t${result.requestId}\tERROR\toops`),
            5000,
        ).catch(err => {
            throw new Error(`${err.message}: ${JSON.stringify(lines)}`);
        });
    });

    it("measures the warm invoke overhead", async () => {
        const fn = { functionName: "noop", code: `exports.handler = async e => e;` };
        pids.add((succeeded(await runner.invoke({ ...fn, code: COUNTER }, {})) as any).pid);
        await runner.invoke(fn, 0); // cold start
        const samples: number[] = [];
        for (let i = 0; i < 200; i++) {
            const t0 = performance.now();
            assert.strictEqual(succeeded(await runner.invoke(fn, i)), i);
            samples.push(performance.now() - t0);
        }
        samples.sort((a, b) => a - b);
        const median = samples[100];
        console.log(
            `      warm invoke: median ${median.toFixed(3)} ms, p95 ${samples[190].toFixed(3)} ms over ${samples.length}`,
        );
        assert.ok(median < 20, `warm invoke median ${median} ms`);
    });
});

describe("Lambda runner: a function driving the local ECS endpoint through the SDK", function () {
    this.timeout(30_000);
    let ecs: EcsEndpoint;
    let runner: LambdaRunner;

    before(async () => {
        ecs = await startEcsEndpoint({
            region: "eu-west-1",
            externalWorkers: true,
            clusters: [
                {
                    arn: "arn:aws:ecs:eu-west-1:000000000000:cluster/work",
                    name: "work",
                    capacityProviders: ["FARGATE"],
                },
            ],
            taskDefinitions: [
                {
                    arn: "arn:aws:ecs:eu-west-1:000000000000:task-definition/worker:1",
                    family: "worker",
                    revision: 1,
                    containerDefinitions: [{ name: "worker", essential: true }],
                },
            ],
            output: () => undefined,
        });
        runner = createLambdaRunner({
            region: "eu-west-1",
            baseEnvironment: { AWS_ENDPOINT_URL_ECS: ecs.url },
            output: () => undefined,
        });
    });
    after(async () => {
        await runner.close();
        await ecs.close();
    });

    it("runs a task with the SDK the runtime provides; ECS errors keep their names", async () => {
        const code = `
exports.handler = async event => {
    const { ECSClient, RunTaskCommand } = require("@aws-sdk/client-ecs");
    const client = new ECSClient({});
    const answer = await client.send(new RunTaskCommand({
        cluster: event.cluster, taskDefinition: "worker", launchType: "FARGATE", startedBy: "trigger",
        networkConfiguration: { awsvpcConfiguration: { subnets: ["subnet-1"] } },
    }));
    return answer.tasks.map(t => t.taskArn);
};`;
        const fn = { functionName: "trigger", code, timeoutSeconds: 10 };
        const arns = succeeded(await runner.invoke(fn, { cluster: "work" }));
        assert.strictEqual(arns.length, 1);
        assert.strictEqual(ecs.task(arns[0])?.startedBy, "trigger");
        const error = failed(await runner.invoke(fn, { cluster: "missing" }));
        assert.strictEqual(error.errorType, "ClusterNotFoundException");
        assert.strictEqual(stepFunctionsErrorOf(error).error, "ClusterNotFoundException");
    });
});
