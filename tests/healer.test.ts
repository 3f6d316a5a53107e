// The healer's decisions over fake AWS: it fails a pending task only when the stopped container
// never took the task it was started for, and leaves every other stop alone.
import * as assert from "assert";
import { findAttempt, HealerApis, healStoppedTask, HistoryEvent, reportedItself } from "../functions/healer";
import { Clock } from "../functions/trigger";

const ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:dev-ecs";
const CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/c";
const EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:sm:run-1";
const TASK = "arn:aws:ecs:us-east-1:000000000000:task/c/dead";

function scheduled(id: number, taskArn: string, resource = ACTIVITY): HistoryEvent {
    return {
        id,
        previousEventId: id - 1,
        type: "ActivityScheduled",
        activityScheduledEventDetails: {
            resource,
            input: JSON.stringify({ _execution: { executionArn: EXECUTION, taskArn } }),
        },
    };
}

function stoppedEvent(exitCode?: number) {
    return {
        "detail-type": "ECS Task State Change",
        detail: {
            taskArn: TASK,
            clusterArn: CLUSTER,
            lastStatus: "STOPPED",
            stoppedReason: "Essential container in task exited",
            containers: [{ name: "worker", exitCode }],
        },
    };
}

function fakes(history: HistoryEvent[][], pending: Array<{ taskToken: string; input: string }>, takenTag?: string) {
    const calls: string[] = [];
    let read = 0;
    const apis: HealerApis = {
        describeTask: async (cluster, task) => (
            calls.push(`DescribeTasks ${task}`),
            {
                taskArn: task,
                lastStatus: "STOPPED",
                stoppedReason: "Essential container in task exited",
                containers: [{ name: "worker", exitCode: 1 }],
                tags: [
                    { key: "step-functions-execution-arn", value: EXECUTION },
                    ...(takenTag ? [{ key: "step-functions-activity-task", value: takenTag }] : []),
                ],
            }
        ),
        getExecutionHistory: async arn => (
            calls.push(`GetExecutionHistory ${arn}`),
            { events: history[Math.min(read++, history.length - 1)] }
        ),
        getActivityTask: async (arn, worker) => (calls.push(`GetActivityTask ${arn} ${worker}`), pending.shift() ?? {}),
        sendTaskFailure: async (token, error, cause) => void calls.push(`SendTaskFailure ${token} ${error} ${cause}`),
    };
    return { apis, calls };
}

const clock = (): Clock => {
    let t = 0;
    return { now: () => t, sleep: async ms => void (t += ms) };
};

describe("healer", () => {
    it("fails one pending task with Worker.Lost when the container never took its task", async () => {
        const { apis, calls } = fakes(
            [[scheduled(7, TASK)]],
            [{ taskToken: "tok-1", input: JSON.stringify({ _execution: { executionArn: EXECUTION, taskArn: TASK } }) }],
        );
        const outcome = await healStoppedTask(apis, { activityArn: ACTIVITY, clusterArn: CLUSTER }, stoppedEvent(1), {
            clock: clock(),
        });
        assert.deepStrictEqual(outcome, { action: "failed-task", claimedFor: EXECUTION, taskArn: TASK });
        assert.strictEqual(calls[0], `DescribeTasks ${TASK}`);
        assert.strictEqual(calls[2], `GetActivityTask ${ACTIVITY} healer-dead`);
        assert.match(
            calls[3],
            /^SendTaskFailure tok-1 Worker\.Lost the container of ECS task .*dead .*stopped before it took its activity task: Essential container in task exited; container worker exit code 1$/,
        );
    });

    it("leaves a container that took a task, whichever execution's (its heartbeat covers it)", async () => {
        const { apis, calls } = fakes(
            [[scheduled(7, TASK)]],
            [{ taskToken: "someone-else", input: "{}" }],
            "arn:aws:states:us-east-1:000000000000:execution:sm:other-run",
        );
        const outcome = await healStoppedTask(apis, { activityArn: ACTIVITY, clusterArn: CLUSTER }, stoppedEvent(137), {
            clock: clock(),
        });
        assert.deepStrictEqual(outcome, {
            action: "ignored",
            reason: "the container took a task (of arn:aws:states:us-east-1:000000000000:execution:sm:other-run): its heartbeat or timeout covers it",
        });
        assert.ok(!calls.some(c => c.startsWith("GetActivityTask")), "never claims a pending task");
    });

    it("heals even when another container already took this attempt's task (tasks go to any poller)", async () => {
        const startedByOther: HistoryEvent = { id: 8, previousEventId: 7, type: "ActivityStarted" };
        const { apis } = fakes(
            [[startedByOther, scheduled(7, TASK)]],
            [
                {
                    taskToken: "tok-b",
                    input: JSON.stringify({
                        _execution: { executionArn: "arn:aws:states:us-east-1:000000000000:execution:sm:b" },
                    }),
                },
            ],
        );
        const outcome = await healStoppedTask(apis, { activityArn: ACTIVITY, clusterArn: CLUSTER }, stoppedEvent(137), {
            clock: clock(),
        });
        assert.deepStrictEqual(outcome, {
            action: "failed-task",
            claimedFor: "arn:aws:states:us-east-1:000000000000:execution:sm:b",
            taskArn: TASK,
        });
    });

    it("leaves containers that reported their task (exit 0 or 3) without calling AWS", async () => {
        for (const code of [0, 3]) {
            const { apis, calls } = fakes([[]], []);
            const outcome = await healStoppedTask(
                apis,
                { activityArn: ACTIVITY, clusterArn: CLUSTER },
                stoppedEvent(code),
                { clock: clock() },
            );
            assert.strictEqual(outcome.action, "ignored");
            assert.deepStrictEqual(calls, []);
        }
    });

    it("waits for the execute state to schedule the task, then heals", async () => {
        const { apis, calls } = fakes([[], [], [scheduled(7, TASK)]], [{ taskToken: "tok", input: "{}" }]);
        const outcome = await healStoppedTask(apis, { activityArn: ACTIVITY, clusterArn: CLUSTER }, stoppedEvent(1), {
            clock: clock(),
        });
        assert.strictEqual(outcome.action, "failed-task");
        assert.strictEqual(calls.filter(c => c.startsWith("GetExecutionHistory")).length, 3);
    });

    it("gives up when no task was ever scheduled for the container (the trigger reported it)", async () => {
        const { apis, calls } = fakes([[scheduled(3, "arn:aws:ecs:us-east-1:000000000000:task/c/other")]], []);
        const outcome = await healStoppedTask(apis, { activityArn: ACTIVITY, clusterArn: CLUSTER }, stoppedEvent(1), {
            clock: clock(),
            scheduleGraceMs: 5000,
        });
        assert.strictEqual(outcome.action, "ignored");
        assert.ok(!calls.some(c => c.startsWith("GetActivityTask")));
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
        const { apis, calls } = fakes([[failed]], []);
        const c = clock();
        const outcome = await healStoppedTask(
            apis,
            { activityArn: ACTIVITY, clusterArn: CLUSTER },
            stoppedEvent(undefined),
            { clock: c },
        );
        assert.deepStrictEqual(outcome, {
            action: "ignored",
            reason: "the trigger reported this task's stop (Trigger.TaskStopped)",
        });
        assert.strictEqual(c.now(), 0, "no waiting");
        assert.strictEqual(calls.filter(x => x.startsWith("GetExecutionHistory")).length, 1);
    });

    it("reports nothing pending when a healthy container already took the task", async () => {
        const { apis } = fakes([[scheduled(7, TASK)]], []);
        assert.deepStrictEqual(
            await healStoppedTask(apis, { activityArn: ACTIVITY, clusterArn: CLUSTER }, stoppedEvent(1), {
                clock: clock(),
            }),
            { action: "nothing-pending", taskArn: TASK },
        );
    });

    it("matches the attempt by activity and task", () => {
        const events: HistoryEvent[] = [
            { id: 12, previousEventId: 11, type: "ActivityFailed" },
            scheduled(11, TASK),
            { id: 9, previousEventId: 8, type: "ActivityStarted" },
            scheduled(8, "arn:aws:ecs:us-east-1:000000000000:task/c/first"),
        ];
        assert.strictEqual(findAttempt(events, ACTIVITY, TASK)?.id, 11);
        assert.strictEqual(
            findAttempt(events, "arn:aws:states:us-east-1:000000000000:activity:other", TASK),
            undefined,
        );
        assert.ok(
            reportedItself({ containers: [{ exitCode: 0 }] }) &&
                !reportedItself({ containers: [{ exitCode: 137 }] }) &&
                !reportedItself({ containers: [{}] }),
        );
    });
});
