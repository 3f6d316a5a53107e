// A small fake AWS for the healer's tests: ECS tasks, execution histories, pending activity tasks
// and claim records, with every call it answers written down.
import { Acquired, ClaimRecords } from "../../functions/healer-claims";
import { HealerApis, healStoppedTask, HistoryEvent } from "../../functions/healer";
import { Clock, EcsTaskDescription } from "../../functions/trigger";

export const ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:dev-ecs";
export const CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/c";
export const CONFIG = { activityArn: ACTIVITY, clusterArn: CLUSTER, claimsTable: "claims" };
export const exec = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:sm:${name}`;
export const task = (id: string) => `arn:aws:ecs:us-east-1:000000000000:task/c/${id}`;
export const EXECUTION = exec("run-1");
export const TASK = task("dead");

/** A small world: ECS tasks, execution histories (oldest first), pending activity tasks, claim records. */
export class World {
    readonly calls: string[] = [];
    readonly tasks = new Map<string, EcsTaskDescription>();
    readonly histories = new Map<string, HistoryEvent[][]>();
    readonly pending: Array<{ taskToken: string; input: string }> = [];
    readonly closedTokens = new Set<string>();
    readonly records = new Map<string, { state: string; leaseUntil: number; claimId: string; token?: string }>();
    private reads = new Map<string, number>();

    container(id: string, execution: string, options: { exitCode?: number; taken?: string; viaTag?: boolean } = {}) {
        this.tasks.set(id, {
            taskArn: task(id),
            lastStatus: "STOPPED",
            stoppedReason: "Essential container in task exited",
            containers: [{ name: "worker", exitCode: options.exitCode ?? 1 }],
            overrides: options.viaTag
                ? undefined
                : {
                      containerOverrides: [
                          { name: "worker", environment: [{ name: "STEP_FUNCTIONS_EXECUTION_ARN", value: execution }] },
                      ],
                  },
            tags: [
                { key: "step-functions-execution-arn", value: options.viaTag ? execution : "escaped_28_" },
                ...(options.taken ? [{ key: "step-functions-activity-task", value: options.taken }] : []),
            ],
        });
        return this;
    }

    /** The execution's history as successive reads see it (the last one stays). */
    history(execution: string, ...reads: HistoryEvent[][]) {
        this.histories.set(execution, reads);
        return this;
    }

    claims(): ClaimRecords {
        return {
            acquire: async (taskArn, claim): Promise<Acquired> => {
                this.calls.push(`acquire ${taskArn.split("/").pop()}`);
                const record = this.records.get(taskArn);
                if (record && !(record.state === "claimed" && record.leaseUntil < claim.nowSeconds))
                    return { acquired: false, state: record.state };
                this.records.set(taskArn, {
                    state: "claimed",
                    leaseUntil: claim.nowSeconds + 150,
                    claimId: claim.claimId,
                    token: record?.token,
                });
                return { acquired: true, previousToken: record?.token };
            },
            recordToken: async (taskArn, claimId, token) => void (this.records.get(taskArn)!.token = token),
            finish: async (taskArn, claimId, outcome) => {
                this.calls.push(`finish ${outcome}`);
                this.records.get(taskArn)!.state = "done";
            },
            release: async taskArn => {
                this.calls.push("release");
                this.records.get(taskArn)!.leaseUntil = 0;
            },
        };
    }

    apis(): HealerApis {
        return {
            describeTask: async (_cluster, ref) => (
                this.calls.push(`DescribeTasks ${ref.split("/").pop()}`),
                this.tasks.get(ref.split("/").pop()!)
            ),
            getExecutionHistory: async arn => {
                this.calls.push(`GetExecutionHistory ${arn.split(":").pop()}`);
                const reads = this.histories.get(arn) ?? [[]];
                const n = this.reads.get(arn) ?? 0;
                this.reads.set(arn, n + 1);
                return { events: [...reads[Math.min(n, reads.length - 1)]].reverse() };
            },
            getActivityTask: async (_arn, worker) => (
                this.calls.push(`GetActivityTask ${worker}`),
                this.pending.shift() ?? {}
            ),
            sendTaskFailure: async (token, error, cause) => {
                this.calls.push(`SendTaskFailure ${token} ${error}`);
                if (this.closedTokens.has(token)) throw Object.assign(new Error("closed"), { name: "TaskTimedOut" });
                this.lastCause = cause;
            },
            claims: this.claims(),
        };
    }
    lastCause?: string;
}

export function scheduled(id: number, taskArn: string, execution = EXECUTION): HistoryEvent {
    return {
        id,
        previousEventId: id - 1,
        type: "ActivityScheduled",
        activityScheduledEventDetails: {
            resource: ACTIVITY,
            input: JSON.stringify({ _execution: { executionArn: execution, taskArn } }),
        },
    };
}
export const started = (id: number, scheduledId: number, workerName: string): HistoryEvent => ({
    id,
    previousEventId: scheduledId,
    type: "ActivityStarted",
    activityStartedEventDetails: { workerName },
});
export const ended = (id: number, type = "ExecutionAborted"): HistoryEvent => ({ id, previousEventId: 0, type });
export const pendingTask = (token: string, execution = EXECUTION) => ({
    taskToken: token,
    input: JSON.stringify({ _execution: { executionArn: execution } }),
});

export function stoppedEvent(id = "dead", exitCode = 1, version = 4) {
    return {
        "detail-type": "ECS Task State Change",
        detail: {
            taskArn: task(id),
            clusterArn: CLUSTER,
            lastStatus: "STOPPED",
            version,
            containers: [{ name: "worker", exitCode }],
        },
    };
}

export const START = 1_800_000_000_000;
export const clock = (): Clock => {
    let t = START;
    return { now: () => t, sleep: async ms => void (t += ms) };
};
export const heal = (world: World, event = stoppedEvent(), c = clock()) =>
    healStoppedTask(world.apis(), CONFIG, event, { clock: c, claimId: "me" });
