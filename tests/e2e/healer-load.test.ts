// The healer under load on the local runtime: 50 executions while every ECS event is delivered
// twice (half the copies at the same moment, half 5 s later), a tenth of the containers is stopped
// before its first poll and a tenth of the executions is stopped from outside. Pending tasks are
// interchangeable, so the test counts: every Worker.Lost heals a container that left a task waiting
// when the healer decided (tests/helpers/container-slots.ts reads that from the histories), every
// such container is healed once, no task waits more than a minute for a container, and no healer
// invocation fails.
//
// "When the healer decided": a container that left a task waiting when it stopped may no longer
// have when its healer ran (the execution of that task was stopped from outside meanwhile, or a
// spare container took the task), and a chain only ever changes that way. So a heal is checked
// against the moment the healer saw the task waiting (its outcome says when), and a container left
// alone against the end of its first healer invocation. (A spare container may still take the task
// between that moment and the healer's claim: activities offer no check-and-claim in one step.)
import * as assert from "assert";
import { InvokeResult } from "../../local/lambda/runner";
import { LocalStack } from "../../local/stack/local-stack";
import { attemptsByContainer, leftTaskWaiting, taskIdOf } from "../helpers/container-slots";
import { failures, failureStack, quiesce, watch, Watched } from "../helpers/executions";
import { waitUntilNoProcess, LAMBDA_HOST_PROCESS, WORKER_PROCESS } from "../helpers/processes";

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));
const EARLY_STOP = "Your Spot Task was interrupted (test: before its first poll)";
const TERMINAL = ["ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"];

interface HealerRun {
    taskArn: string;
    endedAt: number;
    result: InvokeResult;
}

/** The longest time any activity task of these executions waited for a worker (or its execution's end). */
function longestWaitMs(runs: Watched[]): number {
    let longest = 0;
    for (const w of runs) {
        const end = w.events.find(e => TERMINAL.includes(e.type!));
        for (const scheduled of w.events.filter(e => e.type === "ActivityScheduled")) {
            const closed =
                w.events.find(e => e.previousEventId === scheduled.id && e.type!.startsWith("Activity")) ?? end;
            longest = Math.max(longest, closed!.timestamp!.getTime() - scheduled.timestamp!.getTime());
        }
    }
    return longest;
}

/** The lost container a Worker.Lost names in its cause. */
function lostContainerOf(cause: string): string {
    return /the container of ECS task (arn:\S+)/.exec(cause)![1];
}

describe("the healer under load, with duplicated events and stops (local runtime)", function () {
    this.timeout(420_000);
    let stack: LocalStack;
    const healerRuns: HealerRun[] = [];

    before(async () => {
        // A longer heartbeat: 50 workers starting at once load both cores for seconds.
        stack = await failureStack(10, {
            onSubscriptionResult: (_fn, event, result) =>
                void healerRuns.push({ taskArn: (event as any).detail?.taskArn, endedAt: Date.now(), result }),
        });
    });

    after(async () => {
        if (stack) await quiesce(stack);
        assert.deepStrictEqual(
            healerRuns.filter(r => !r.result.ok),
            [],
            "no healer invocation fails, to the end",
        );
        await stack?.close();
        assert.deepStrictEqual(await waitUntilNoProcess(WORKER_PROCESS), []);
        assert.deepStrictEqual(await waitUntilNoProcess(LAMBDA_HOST_PROCESS), []);
    });

    it("50 executions: one Worker.Lost per container that left a task waiting, none waits over a minute, every healer invocation succeeds", async () => {
        stack.events.testHooks.duplicateDeliveries({ copies: 1, concurrentShare: 0.5, laterMs: 5000 });
        const runs: Watched[] = [];
        // Five waves of ten: before each, the next container to start is stopped before its first poll.
        for (let wave = 0; wave < 5; wave++) {
            stack.ecs.testHooks.stopNextTaskBeforeFirstPoll({ reason: EARLY_STOP });
            for (let i = 0; i < 10; i++) runs.push(watch(stack, { durationMs: 1500, echo: `n${runs.length}` }));
            await sleep(300);
        }
        // A tenth stopped from outside: three as soon as their task is scheduled, two mid-job.
        const stoppedEarly = [3, 25, 47];
        const stoppedMidJob = [14, 36];
        await Promise.all([
            ...stoppedEarly.map(i =>
                runs[i].next("ActivityScheduled").then(() => stack.engine.stopExecution(runs[i].arn)),
            ),
            ...stoppedMidJob.map(i =>
                runs[i].next("ActivityStarted").then(async () => {
                    await sleep(300);
                    stack.engine.stopExecution(runs[i].arn);
                }),
            ),
        ]);
        const results = await Promise.all(runs.map(r => r.done));
        const outside = new Set([...stoppedEarly, ...stoppedMidJob]);
        results.forEach((r, i) =>
            assert.strictEqual(r.status, outside.has(i) ? "ABORTED" : "SUCCEEDED", `execution ${i}: ${r.error}`),
        );
        // Copies due later and heals still running settle before counting.
        while (stack.pendingSubscriptions() > 0) await sleep(100);

        const attempts = attemptsByContainer(runs);
        const containers = stack.ecs.tasks();
        const ids = new Set(containers.map(t => taskIdOf(t.taskArn)));
        const takers = [...attempts.values()].flatMap(a => (a.takenBy ? [a.takenBy.replace(/^healer-/, "")] : []));
        assert.deepStrictEqual(
            takers.filter(t => !ids.has(t)),
            [],
            "every worker named itself after its ECS task",
        );
        // Lost: stopped during the run without having taken a task.
        const tookTasks = new Set([...attempts.values()].map(a => a.takenBy));
        const lost = containers.filter(t => t.stoppedAt !== undefined && !tookTasks.has(taskIdOf(t.taskArn)));
        const lostEarly = containers.filter(t => t.stoppedReason === EARLY_STOP);
        const healedFor = runs.flatMap(r =>
            r.events
                .filter(e => e.activityFailedEventDetails?.error === "Worker.Lost")
                .map(e => lostContainerOf(e.activityFailedEventDetails!.cause!)),
        );
        /** When the healer that healed the container saw the task waiting; else the end of its first invocation. */
        const decidedAt = (taskArn: string) => {
            const runsFor = healerRuns.filter(r => r.taskArn === taskArn);
            const healed = runsFor.map(r => (r.result as any).result).find(o => o?.action === "failed-task");
            if (healed) return Date.parse(healed.evidence.checkedAt);
            return Math.min(...runsFor.map(r => r.endedAt));
        };
        /** Whether the container left a task waiting when its healer decided. */
        const owedWhenDecided = (taskArn: string) => leftTaskWaiting(attempts, taskArn, decidedAt(taskArn));
        const owed = lost.filter(t => owedWhenDecided(t.taskArn)).map(t => t.taskArn);
        const waitingAtStop = lost.filter(t => leftTaskWaiting(attempts, t.taskArn, t.stoppedAt!));
        const longest = longestWaitMs(runs);
        console.log(
            `      ${containers.length} containers: ${lostEarly.length} stopped before their first poll, ` +
                `${lost.length} lost in all (${waitingAtStop.length} left a task waiting when they stopped, ` +
                `${owed.length} when their healer decided); ${healedFor.length} Worker.Lost; ` +
                `longest wait for a container ${longest} ms; ${healerRuns.length} healer invocations, ` +
                `${healerRuns.filter(r => !r.result.ok).length} failed; ` +
                `${runs.filter(r => failures(r).length > 0).length} executions retried`,
        );
        assert.strictEqual(lostEarly.length, 5, "the hook stopped five containers before their first poll");
        assert.ok(owed.length >= 1, "the run did leave tasks waiting");
        assert.strictEqual(healedFor.length, owed.length, "one Worker.Lost per container that left a task waiting");
        assert.deepStrictEqual([...healedFor].sort(), [...owed].sort(), "and for exactly those containers");
        assert.ok(longest <= 60_000, `a task waited ${longest} ms for a container`);
        assert.deepStrictEqual(
            healerRuns.filter(r => !r.result.ok),
            [],
            "no healer invocation fails",
        );
    });
});
