// The healer's decisions over fake AWS: it fails a pending task only when the stopped container
// took no task and left a task waiting in a running execution (following which container took
// whose task), whatever the container's exit code, and once per stopped container.
import * as assert from "assert";
import { findAttempt } from "../functions/healer-history";
import { healStoppedTask, HistoryEvent } from "../functions/healer";
import {
    ACTIVITY,
    CONFIG,
    clock,
    ended,
    exec,
    EXECUTION,
    heal,
    pendingTask,
    scheduled,
    START,
    started,
    stoppedEvent,
    task,
    TASK,
    World,
} from "./helpers/fake-healer-world";

describe("healer", () => {
    it("fails one pending task with Worker.Lost when the container never took a task and its attempt waits", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        world.pending.push(pendingTask("tok-1"));
        const evidence = { waitingExecution: EXECUTION, checkedAt: new Date(START).toISOString() };
        assert.deepStrictEqual(await heal(world), {
            action: "failed-task",
            claimedFor: EXECUTION,
            taskArn: TASK,
            evidence,
        });
        assert.deepStrictEqual(world.calls, [
            "DescribeTasks dead",
            "GetExecutionHistory run-1",
            "acquire dead",
            "GetActivityTask healer-dead",
            "SendTaskFailure tok-1 Worker.Lost",
            "finish failed-task",
        ]);
        assert.match(
            world.lastCause!,
            /^the container of ECS task .*dead \(execution .*run-1\) stopped before it took its activity task, while the task of .*run-1 waited for it: Essential container in task exited; container worker exit code 1$/,
        );
    });

    it("decides by the tag and the waiting attempt, not the exit code: a container stopped before its first poll exits 0 and is healed", async () => {
        const world = new World()
            .container("dead", EXECUTION, { exitCode: 0 })
            .history(EXECUTION, [scheduled(7, TASK)]);
        world.pending.push(pendingTask("tok-1"));
        assert.strictEqual((await heal(world, stoppedEvent("dead", 0))).action, "failed-task");
    });

    it("leaves a container that took a task, whichever execution's (its heartbeat covers it)", async () => {
        const world = new World().container("dead", EXECUTION, { exitCode: 137, taken: exec("other") });
        const outcome = await heal(world, stoppedEvent("dead", 137));
        assert.strictEqual(outcome.action, "ignored");
        assert.deepStrictEqual(world.calls, ["DescribeTasks dead"]);
    });

    it("reads the execution from the environment override, and from the tag of a task an older trigger started", async () => {
        for (const viaTag of [false, true]) {
            const world = new World().container("dead", EXECUTION, { viaTag }).history(EXECUTION, [scheduled(7, TASK)]);
            world.pending.push(pendingTask("tok"));
            assert.strictEqual((await heal(world)).action, "failed-task", `viaTag ${viaTag}`);
            assert.ok(world.calls.includes("GetExecutionHistory run-1"));
        }
    });

    it("leaves a container whose execution ended while its task waited (stopped, timed out, failed)", async () => {
        for (const end of ["ExecutionAborted", "ExecutionTimedOut", "ExecutionFailed"]) {
            const world = new World()
                .container("dead", EXECUTION)
                .history(EXECUTION, [scheduled(7, TASK), ended(8, end)]);
            world.pending.push(pendingTask("someone-elses"));
            const outcome = await heal(world);
            assert.deepStrictEqual(outcome, {
                action: "ignored",
                reason: `execution ${EXECUTION} ended while its task waited: nothing waits for this container`,
            });
            assert.ok(!world.calls.some(c => c.startsWith("GetActivityTask") || c.startsWith("acquire")), end);
        }
    });

    it("follows the task's taker: heals when the taker's attempt still waits, leaves it when that one ended", async () => {
        const b = exec("b");
        for (const [bEnded, action] of [
            [false, "failed-task"],
            [true, "ignored"],
        ] as const) {
            const world = new World()
                .container("dead", EXECUTION)
                .container("d", b)
                .history(EXECUTION, [scheduled(7, TASK), started(8, 7, "d")])
                .history(b, [scheduled(5, task("d"), b), ...(bEnded ? [ended(6)] : [])]);
            world.pending.push(pendingTask("tok-b", b));
            const outcome = await heal(world);
            assert.strictEqual(outcome.action, action, `B ended: ${bEnded}`);
            assert.deepStrictEqual(world.calls.slice(0, 4), [
                "DescribeTasks dead",
                "GetExecutionHistory run-1",
                "DescribeTasks d",
                "GetExecutionHistory b",
            ]);
        }
    });

    it("follows a taker that took a task before its own attempt scheduled one (its trigger still waits): heals", async () => {
        // Containers poll as soon as they run; a trigger sees its task start only at its next check.
        const b = exec("b");
        const later = new World()
            .container("dead", EXECUTION)
            .container("d", b)
            .history(EXECUTION, [scheduled(7, TASK), started(8, 7, "d")])
            .history(b, [], [], [scheduled(5, task("d"), b)]);
        later.pending.push(pendingTask("tok-b", b));
        assert.strictEqual((await heal(later)).action, "failed-task", "B's task, scheduled later, has no container");
        assert.ok(later.calls.filter(c => c === "GetExecutionHistory b").length >= 3, "it waited for B's attempt");
        // Not scheduled within the grace, B still running: its attempt will schedule a task nothing serves.
        const notYet = new World()
            .container("dead", EXECUTION)
            .container("d", b)
            .history(EXECUTION, [scheduled(7, TASK), started(8, 7, "d")])
            .history(b, []);
        notYet.pending.push(pendingTask("tok-b", b));
        assert.strictEqual((await heal(notYet)).action, "failed-task");
    });

    it("leaves a container whose chain comes back to it or that a healer already claimed for; heals when a worker it cannot follow took the task", async () => {
        const b = exec("b");
        const circle = new World()
            .container("dead", EXECUTION)
            .container("d", b)
            .history(EXECUTION, [scheduled(7, TASK), started(8, 7, "d")])
            .history(b, [scheduled(5, task("d"), b), started(6, 5, "dead")]);
        assert.deepStrictEqual(await heal(circle), {
            action: "ignored",
            reason: "the container took a task (its tag is missing)",
        });
        const claimed = new World()
            .container("dead", EXECUTION)
            .history(EXECUTION, [scheduled(7, TASK), started(8, 7, "healer-dead")]);
        assert.deepStrictEqual(await heal(claimed), {
            action: "ignored",
            reason: "a healer already claimed a task for this container",
        });
        const stranger = new World()
            .container("dead", EXECUTION)
            .history(EXECUTION, [scheduled(7, TASK), started(8, 7, "laptop-1234")]);
        stranger.pending.push(pendingTask("tok"));
        assert.strictEqual(
            (await heal(stranger)).action,
            "failed-task",
            "a taker it cannot follow: it heals, to be safe",
        );
    });

    it("a healer's claim for another lost container passes that container's place on", async () => {
        const l = exec("l");
        const world = new World()
            .container("dead", EXECUTION)
            .container("lost", l)
            .history(EXECUTION, [scheduled(7, TASK), started(8, 7, "healer-lost")])
            .history(l, [scheduled(3, task("lost"), l)]);
        world.pending.push(pendingTask("tok-l", l));
        assert.strictEqual((await heal(world)).action, "failed-task");
        assert.ok(world.calls.includes("DescribeTasks lost") && world.calls.includes("GetExecutionHistory l"));
    });

    it("heals a stopped container once: a copy of its event finds the record and claims nothing", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        world.pending.push(pendingTask("tok-1"), pendingTask("tok-2"));
        assert.strictEqual((await heal(world, stoppedEvent("dead", 1, 4))).action, "failed-task");
        const copy = await heal(world, stoppedEvent("dead", 1, 5));
        assert.deepStrictEqual(copy, {
            action: "ignored",
            reason: "another invocation healed this container (its record is done)",
        });
        assert.strictEqual(world.calls.filter(c => c.startsWith("GetActivityTask")).length, 1);
        assert.strictEqual(world.pending.length, 1, "the second pending task is left alone");
    });

    it("claims another pending task when the claimed one's execution ended meanwhile (TaskTimedOut), at most three times", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        world.pending.push(pendingTask("gone-1"), pendingTask("tok-2"));
        world.closedTokens.add("gone-1");
        assert.strictEqual((await heal(world)).action, "failed-task");
        assert.deepStrictEqual(
            world.calls.filter(c => c.startsWith("SendTaskFailure")),
            ["SendTaskFailure gone-1 Worker.Lost", "SendTaskFailure tok-2 Worker.Lost"],
        );
        const unlucky = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        for (const t of ["g1", "g2", "g3", "g4"]) {
            unlucky.pending.push(pendingTask(t));
            unlucky.closedTokens.add(t);
        }
        assert.strictEqual((await heal(unlucky)).action, "nothing-pending");
        assert.strictEqual(unlucky.calls.filter(c => c.startsWith("GetActivityTask")).length, 3);
    });

    it("takes over a dead holder's claim after its lease: fails the task it had claimed, not another", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        world.records.set(TASK, { state: "claimed", leaseUntil: 0, claimId: "dead-holder", token: "held" });
        world.pending.push(pendingTask("other"));
        assert.deepStrictEqual(await heal(world), {
            action: "failed-task",
            taskArn: TASK,
            evidence: { waitingExecution: EXECUTION, checkedAt: new Date(START).toISOString() },
        });
        assert.ok(
            world.calls.includes("SendTaskFailure held Worker.Lost") &&
                !world.calls.some(c => c.startsWith("GetActivityTask")),
        );
    });

    it("a copy that finds the claim held waits for its holder to finish, then leaves it", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        world.records.set(TASK, { state: "claimed", leaseUntil: START / 1000 + 150, claimId: "holder" });
        const c = clock();
        const slept: number[] = [];
        const sleep = c.sleep;
        c.sleep = async ms => {
            slept.push(ms);
            if (slept.length === 3) world.records.get(TASK)!.state = "done"; // the holder finished
            await sleep(ms);
        };
        const outcome = await heal(world, stoppedEvent(), c);
        assert.deepStrictEqual(outcome, {
            action: "ignored",
            reason: "another invocation healed this container (its record is done)",
        });
        assert.deepStrictEqual(slept, [250, 500, 1000]);
        assert.ok(!world.calls.some(call => call.startsWith("GetActivityTask")));
    });

    it("a copy that finds the claim held to its deadline fails (Lambda runs it again); the run after the lease takes over", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        world.records.set(TASK, { state: "claimed", leaseUntil: START / 1000 + 150, claimId: "died" });
        world.pending.push(pendingTask("tok"));
        const c = clock();
        await assert.rejects(
            healStoppedTask(world.apis(), CONFIG, stoppedEvent(), {
                clock: c,
                claimId: "copy",
                deadline: START + 90_000,
            }),
            { name: "Healer.ClaimHeld" },
        );
        assert.ok(c.now() <= START + 90_000, "it stopped waiting at its deadline");
        const retry = clock();
        await retry.sleep(180_000); // Lambda's retries come a minute, then two minutes, after a failure
        assert.strictEqual((await heal(world, stoppedEvent(), retry)).action, "failed-task");
    });

    it("releases its lease when it fails mid-way, so the retry takes over at once", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        const apis = world.apis();
        apis.getActivityTask = async () => {
            throw Object.assign(new Error("throttled"), { name: "ThrottlingException" });
        };
        await assert.rejects(
            healStoppedTask(apis, CONFIG, stoppedEvent(), { clock: clock(), claimId: "me" }),
            /throttled/,
        );
        assert.deepStrictEqual(world.records.get(TASK)?.leaseUntil, 0);
        world.pending.push(pendingTask("tok"));
        assert.strictEqual((await heal(world)).action, "failed-task");
    });

    it("waits for the execute state to schedule the task, then heals", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [], [], [scheduled(7, TASK)]);
        world.pending.push(pendingTask("tok"));
        assert.strictEqual((await heal(world)).action, "failed-task");
        assert.strictEqual(world.calls.filter(c => c.startsWith("GetExecutionHistory")).length, 3);
    });

    it("gives up when no task was scheduled for the container within the grace, at once when the execution ended", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(3, task("other"))]);
        const outcome = await healStoppedTask(world.apis(), CONFIG, stoppedEvent(), {
            clock: clock(),
            scheduleGraceMs: 5000,
        });
        assert.strictEqual(outcome.action, "ignored");
        assert.ok(!world.calls.some(c => c.startsWith("GetActivityTask")));
        const stopped = new World().container("dead", EXECUTION).history(EXECUTION, [ended(2)]);
        const c = clock();
        const before = c.now();
        assert.match(((await heal(stopped, stoppedEvent(), c)) as any).reason, /ended before it scheduled a task/);
        assert.strictEqual(c.now(), before, "no waiting");
    });

    it("stops at once when the trigger already reported the task's stop", async () => {
        const failed: HistoryEvent = {
            id: 7,
            previousEventId: 6,
            type: "LambdaFunctionFailed",
            lambdaFunctionFailedEventDetails: {
                error: "Trigger.TaskStopped",
                cause: `{"errorMessage":"task ${TASK} stopped before it was RUNNING"}`,
            },
        };
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [failed]);
        const c = clock();
        const before = c.now();
        assert.deepStrictEqual(await heal(world, stoppedEvent(), c), {
            action: "ignored",
            reason: "the trigger reported this task's stop (Trigger.TaskStopped)",
        });
        assert.strictEqual(c.now(), before, "no waiting");
    });

    it("reports nothing pending when a healthy container took the task meanwhile", async () => {
        const world = new World().container("dead", EXECUTION).history(EXECUTION, [scheduled(7, TASK)]);
        assert.deepStrictEqual(await heal(world), {
            action: "nothing-pending",
            taskArn: TASK,
            evidence: { waitingExecution: EXECUTION, checkedAt: new Date(START).toISOString() },
        });
        assert.deepStrictEqual(world.calls.at(-1), "finish nothing-pending");
    });

    it("matches the attempt by activity and task", () => {
        const events: HistoryEvent[] = [
            { id: 12, previousEventId: 11, type: "ActivityFailed" },
            scheduled(11, TASK),
            { id: 9, previousEventId: 8, type: "ActivityStarted" },
            scheduled(8, task("first")),
        ];
        assert.strictEqual(findAttempt(events, ACTIVITY, TASK)?.id, 11);
        assert.strictEqual(
            findAttempt(events, "arn:aws:states:us-east-1:000000000000:activity:other", TASK),
            undefined,
        );
    });
});
