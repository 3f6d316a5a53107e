// The trigger when ECS says no after RunTask, over a fake ECS: it rides out throttled, failed and
// unanswered checks until its deadline, stops the task it gives up on, names what the block
// retries, and paces its checks so that 100 waiting triggers stay within ECS's rate.
import * as assert from "assert";
import {
    Clock,
    EcsRunTask,
    EcsTaskDescription,
    triggerTask,
    TriggerConfig,
    waitForRunning,
} from "../functions/trigger";
import { ecsCallFailure } from "../functions/ecs-call-errors";
import { pollDelayMs, retryDelayMs } from "../functions/task-watch";

const TASK = "arn:aws:ecs:us-east-1:000000000000:task/c/t1";
const config: TriggerConfig = {
    cluster: "arn:aws:ecs:us-east-1:000000000000:cluster/c",
    taskDefinition: "arn:aws:ecs:us-east-1:000000000000:task-definition/fam:3",
    subnets: ["subnet-a"],
    securityGroups: [],
    assignPublicIp: true,
    capacity: "FARGATE",
    platformVersion: "1.4.0",
    waitForRunningSeconds: 300,
};
const event = { executionArn: "arn:aws:states:us-east-1:000000000000:execution:sm:run-1" };

/** An error as the SDK throws it after its own retries. */
function awsError(name: string, status: number | undefined, message = name): Error {
    return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status, attempts: 3 } });
}
const throttled = () => awsError("ThrottlingException", 400, "Rate exceeded");
const serverError = () => awsError("ServerException", 500, "Service Unavailable");
const HANG = "hang";

function fakeClock(): Clock & { slept: number[] } {
    let t = 0;
    const slept: number[] = [];
    return { slept, now: () => t, sleep: async ms => void (slept.push(ms), (t += ms)), random: () => 0.5 };
}

type Answer = EcsTaskDescription | Error | typeof HANG;

/** DescribeTasks answers (or throws, or never answers) in turn, the last one for good; StopTask as given. */
function fakeEcs(answers: Answer[], stopAnswers: Array<Error | undefined> = []): EcsRunTask & { calls: string[] } {
    const calls: string[] = [];
    let [i, j] = [0, 0];
    return {
        calls,
        runTask: async () => (calls.push("RunTask"), { tasks: [{ taskArn: TASK }] }),
        describeTasks: async () => {
            calls.push("DescribeTasks");
            const answer = answers[Math.min(i++, answers.length - 1)];
            if (answer === HANG) return new Promise(() => undefined);
            if (answer instanceof Error) throw answer;
            return { tasks: [answer] };
        },
        stopTask: async request => {
            calls.push(`StopTask (${request.reason})`);
            const answer = stopAnswers[Math.min(j++, stopAnswers.length - 1)];
            if (answer) throw answer;
        },
    };
}

/** Runs `fn` with console.log captured: the trigger's JSON log lines. */
async function logged<T>(fn: () => Promise<T>): Promise<{ result?: T; error?: any; lines: any[] }> {
    const lines: any[] = [];
    const original = console.log;
    console.log = (line: string) => void lines.push(JSON.parse(line));
    try {
        return { result: await fn(), lines };
    } catch (error) {
        return { error, lines };
    } finally {
        console.log = original;
    }
}

describe("trigger: ECS says no after RunTask", () => {
    it("rides out throttled, failed and unanswered checks with backoff until RUNNING, without stopping the task", async () => {
        const ecs = fakeEcs([throttled(), serverError(), HANG, { lastStatus: "PENDING" }, { lastStatus: "RUNNING" }]);
        const clock = fakeClock();
        const { error, lines } = await logged(() =>
            waitForRunning(ecs, config.cluster, TASK, 300, clock, { callTimeoutMs: 50 }),
        );
        assert.strictEqual(error, undefined);
        assert.deepStrictEqual(ecs.calls, Array(5).fill("DescribeTasks"));
        // Paced checks (random 0.5: 1 s, then 7.5 s) plus full-jitter backoff after failures (0.5 s, 1 s, 2 s).
        assert.deepStrictEqual(clock.slept, [1000, 8000, 8500, 9500, 7500]);
        assert.deepStrictEqual(
            lines.filter(l => l.event === "describe-failed").map(l => [l.error, l.failures]),
            [
                ["ThrottlingException", 1],
                ["ServerException", 2],
                ["TimeoutError", 3],
            ],
        );
    });

    it("a task that ran and stopped between two checks was RUNNING: its worker may have served another execution", async () => {
        const ran = { lastStatus: "STOPPED", startedAt: new Date(), stopCode: "EssentialContainerExited" };
        const ecs = fakeEcs([{ lastStatus: "PENDING" }, ran]);
        const { result } = await logged(() => triggerTask(ecs, config, event, fakeClock()));
        assert.strictEqual(result?.taskArn, TASK);
        assert.ok(!ecs.calls.some(c => c.startsWith("StopTask")));
    });

    for (const [label, failure, name] of [
        ["throttled", throttled, "Trigger.Throttled"],
        ["failing with 5xx", serverError, "Trigger.EcsUnavailable"],
    ] as const) {
        it(`DescribeTasks ${label} until the deadline: stops the task and throws ${name}, which the block retries`, async () => {
            const ecs = fakeEcs([failure()]);
            const clock = fakeClock();
            const { error } = await logged(() =>
                triggerTask(ecs, { ...config, waitForRunningSeconds: 60 }, event, clock),
            );
            assert.strictEqual(error?.name, name);
            assert.match(error.message, /was not seen RUNNING within 60 s: DescribeTasks kept failing \(last /);
            assert.match(error.message, /; the trigger stopped task arn:aws:ecs:us-east-1:000000000000:task\/c\/t1$/);
            assert.strictEqual(ecs.calls.at(-1), "StopTask (not RUNNING within 60 s of RunTask)");
            assert.ok(clock.now() >= 60_000 && clock.now() <= 65_000, `gave up at ${clock.now()} ms`);
        });
    }

    for (const refusal of [
        "AccessDeniedException",
        "ClusterNotFoundException",
        "InvalidParameterException",
        "ClientException",
    ])
        it(`${refusal} from DescribeTasks: stops the task at once and keeps ECS's name (not retried)`, async () => {
            const ecs = fakeEcs([awsError(refusal, 400, "ECS said no")]);
            const { error } = await logged(() => triggerTask(ecs, config, event, fakeClock()));
            assert.strictEqual(error?.name, refusal);
            assert.strictEqual(
                error.message,
                `DescribeTasks of task ${TASK} was refused (${refusal}): ECS said no; the trigger stopped task ${TASK}`,
            );
            assert.deepStrictEqual(ecs.calls.slice(0, 2), ["RunTask", "DescribeTasks"]);
            assert.match(ecs.calls[2], /^StopTask \(the trigger failed: /);
        });

    it("when StopTask fails too: a few attempts while throttled, the failure logged and in the cause", async () => {
        const ecs = fakeEcs([awsError("AccessDeniedException", 400, "no")], [throttled()]);
        const { error, lines } = await logged(() => triggerTask(ecs, config, event, fakeClock()));
        assert.strictEqual(error?.name, "AccessDeniedException");
        assert.match(
            error.message,
            /; stopping task \S+ failed too \(ThrottlingException: Rate exceeded\); its worker exits when idle$/,
        );
        assert.strictEqual(ecs.calls.filter(c => c.startsWith("StopTask")).length, 3);
        assert.deepStrictEqual(
            lines.filter(l => l.event === "stop-failed").map(l => l.attempt),
            [1, 2, 3],
        );
    });

    it("a StopTask that ECS refuses is not tried again", async () => {
        const ecs = fakeEcs([awsError("AccessDeniedException", 400, "no")], [awsError("AccessDeniedException", 400)]);
        await logged(() => triggerTask(ecs, config, event, fakeClock()));
        assert.strictEqual(ecs.calls.filter(c => c.startsWith("StopTask")).length, 1);
    });

    it("RunTask failing with 5xx or no answer after the SDK's retries: Trigger.EcsUnavailable (retried)", async () => {
        for (const error of [serverError(), Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })]) {
            const ecs: EcsRunTask = {
                runTask: async () => {
                    throw error;
                },
            };
            await assert.rejects(
                triggerTask(ecs, { ...config, waitForRunningSeconds: 0 }, event),
                (e: Error) =>
                    e.name === "Trigger.EcsUnavailable" && /RunTask failed after the SDK's own retries/.test(e.message),
            );
        }
    });

    it("reads ECS's errors as throttled, unavailable (5xx, no answer) or refused", () => {
        assert.strictEqual(ecsCallFailure(throttled()), "throttled");
        assert.strictEqual(ecsCallFailure(awsError("Anything", 429)), "throttled");
        assert.strictEqual(ecsCallFailure(serverError()), "unavailable");
        assert.strictEqual(ecsCallFailure(awsError("UnknownError", 503)), "unavailable");
        assert.strictEqual(ecsCallFailure(awsError("TimeoutError", undefined)), "unavailable");
        assert.strictEqual(ecsCallFailure(awsError("Error", undefined)), "unavailable", "the SDK got no HTTP answer");
        assert.strictEqual(ecsCallFailure(awsError("AccessDeniedException", 400)), "refused");
        assert.strictEqual(ecsCallFailure(new TypeError("a bug")), "refused", "not ridden out");
    });
});

/** A token bucket as ECS documents one: `size` calls, refilled at `perSecond`. Counts the calls it refuses. */
function bucket(size: number, perSecond: number) {
    let tokens = size;
    let last = 0;
    let refused = 0;
    return {
        call(atMs: number) {
            tokens = Math.min(size, tokens + ((atMs - last) / 1000) * perSecond);
            last = atMs;
            if (tokens >= 1) tokens -= 1;
            else refused++;
        },
        get refused() {
            return refused;
        },
    };
}

/** The DescribeTasks call times of `triggers` waiting at once (RunTask within one second) for `seconds`. */
function callTimes(triggers: number, seconds: number, random: () => number): number[] {
    const times: number[] = [];
    for (let i = 0; i < triggers; i++) {
        let t = random() * 1000;
        for (let check = 0; ; check++) {
            t += pollDelayMs(check, random);
            if (t > seconds * 1000) break;
            times.push(t);
        }
    }
    return times.sort((a, b) => a - b);
}

function seeded(seed: number): () => number {
    return () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

describe("trigger: pacing its DescribeTasks calls", () => {
    it("100 triggers waiting at once stay within ECS's bucket (100 calls, refilled at 20 per second)", () => {
        for (const [label, random] of [
            ["jittered", seeded(12)],
            ["every jitter at its shortest", () => 0],
        ] as const) {
            const times = callTimes(100, 300, random);
            const ecs = bucket(100, 20);
            times.forEach(t => ecs.call(t));
            assert.strictEqual(ecs.refused, 0, `${label}: ${ecs.refused} calls throttled`);
            const steady = times.filter(t => t >= 60_000 && t < 300_000).length / 240;
            assert.ok(steady <= 100 / 6 + 0.1, `${label}: ${steady.toFixed(1)} calls per second`);
            if (label === "jittered") assert.ok(steady > 12 && steady < 14.5, `about 13.3 per second, got ${steady}`);
        }
    });

    it("backs off with full jitter after failures, at most 30 s more", () => {
        assert.strictEqual(
            retryDelayMs(0, () => 0.99),
            0,
        );
        assert.deepStrictEqual(
            [1, 2, 3, 6, 20].map(n => retryDelayMs(n, () => 0.999999)),
            [999, 1999, 3999, 29999, 29999],
        );
    });
});
