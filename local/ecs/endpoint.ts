// The local ECS endpoint: AWS JSON 1.1 on 127.0.0.1 for the real @aws-sdk/client-ecs (through
// AWS_ENDPOINT_URL_ECS). RunTask checks the request against the declared clusters and task
// definitions and starts each task's container as a local process; DescribeTasks, StopTask and
// ListTasks follow the task's life. Every state change is also published as an EventBridge
// "ECS Task State Change" event. Test hooks (not reachable through the wire) inject the failures
// production sees: no capacity, a container that never starts, one that dies right after RUNNING,
// a process killed mid-job.
import type {
    DescribeTasksCommandInput,
    ListTasksCommandInput,
    RunTaskCommandInput,
    StopTaskCommandInput,
} from "@aws-sdk/client-ecs";
import { AwsServiceError, startAwsJsonServer } from "../shared/aws-json-server";
import { LOCAL_ACCOUNT } from "../shared/account";
import { findCluster, newTaskId, taskIdOf } from "./arns";
import {
    ContainerLauncher,
    LaunchedContainer,
    OutputStream,
    exitCodeOf,
    externalWorkersLauncher,
    nodeProcessLauncher,
} from "./container-launcher";
import { containerEnvironment } from "./container-environment";
import { startMetadataServer } from "./metadata-server";
import { planRunTask } from "./run-task-request";
import {
    TaskEvent,
    TaskStateChangeEvent,
    newTaskRecord,
    nextTaskState,
    toTaskStateChangeEvent,
    toWireTask,
} from "./task-record";
import { DeclaredCluster, DeclaredTaskDefinition, EcsWorld, TaskLaunchPlan, TaskRecord, TaskStatus } from "./types";

export type { DeclaredCluster, DeclaredTaskDefinition, TaskRecord, TaskStatus } from "./types";
export type { TaskStateChangeEvent } from "./task-record";
export type { ContainerLauncher } from "./container-launcher";
export { nodeProcessLauncher, externalWorkersLauncher } from "./container-launcher";

/** The capacity failure Fargate answers RunTask with (HTTP 200, no task). */
export const CAPACITY_UNAVAILABLE =
    "Capacity is unavailable at this time. Please try again later or in a different availability zone";
/** Default stoppedReason of the "fails to start" hook: what a missing image looks like. */
export const DEFAULT_START_FAILURE =
    "CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref: not found";

export interface ContainerOutputLine {
    taskId: string;
    taskArn: string;
    stream: OutputStream;
    line: string;
}

export interface EcsEndpointOptions {
    clusters: DeclaredCluster[];
    taskDefinitions: DeclaredTaskDefinition[];
    /** Default us-east-1. */
    region?: string;
    /** Default 000000000000 (the mocks' account). */
    account?: string;
    /** Handed to containers as AWS_ENDPOINT_URL_SFN. */
    stepFunctionsEndpoint?: string;
    /** The default launcher runs `node <workerBundlePath>`. */
    workerBundlePath?: string;
    /** --external-workers: tasks are RUNNING at once and no process starts. */
    externalWorkers?: boolean;
    /** Replaces the two above. */
    launcher?: ContainerLauncher;
    /** Where container output goes; default: standard error, each line prefixed with the short task id. */
    output?: (line: ContainerOutputLine) => void;
    /** Upper bound on a container's stopTimeout (SIGTERM → SIGKILL), for tests. Default: none. */
    maxStopTimeoutMs?: number;
    /** Added to every container's environment; default `{ PATH }` of this process. */
    extraEnvironment?: Record<string, string>;
    /** Time spent in PROVISIONING before PENDING (ENI attachment on Fargate). Default 0. */
    provisioningDelayMs?: number;
    /** Port for the ECS endpoint; 0 or absent = a free port. */
    port?: number;
    /** Stopped tasks kept for DescribeTasks (ECS keeps them about an hour). Default 1000. */
    retainStoppedTasks?: number;
}

export interface EcsTestHooks {
    /** The next `times` (default 1) RunTask calls answer 200 with a failure and no task. */
    failNextRunTask(options?: { reason?: string; detail?: string; times?: number }): void;
    /** The next `times` tasks go PROVISIONING → PENDING → STOPPED (TaskFailedToStart) without a process. */
    failNextTaskStart(options?: { reason?: string; times?: number }): void;
    /** The next `times` tasks reach RUNNING and their container exits at once with `exitCode` (default 1). */
    /** `afterMs`: how long the container lives first (the trigger's wait then sees RUNNING before the exit). */
    exitNextTaskAfterRunning(options?: { exitCode?: number; times?: number; afterMs?: number }): void;
    /** Signals a task's container (default SIGKILL, exit code 137). False when it has none running. */
    killTask(task: string, signal?: NodeJS.Signals): boolean;
}

export interface EcsEndpoint {
    /** AWS_ENDPOINT_URL_ECS. */
    readonly url: string;
    readonly port: number;
    readonly region: string;
    /** Subscribes to every task state change; returns the unsubscribe function. */
    onTaskStateChange(listener: (event: TaskStateChangeEvent) => void): () => void;
    /** Snapshots of every task known (running and retained stopped ones), oldest first. */
    tasks(): TaskRecord[];
    task(taskArnOrId: string): TaskRecord | undefined;
    /** Resolves when the task reaches `status` (or STOPPED, which ends every wait); rejects after `timeoutMs`. */
    waitForTaskStatus(taskArnOrId: string, status: TaskStatus, timeoutMs?: number): Promise<TaskRecord>;
    readonly testHooks: EcsTestHooks;
    /** Ends every container it started (SIGTERM, then SIGKILL) and both servers. */
    close(): Promise<void>;
}

interface TaskEntry {
    record: TaskRecord;
    stopTimeoutMs: number;
    container?: LaunchedContainer;
    killTimer?: NodeJS.Timeout;
    done: Promise<void>;
}

function crashPlan(crash: { exitCode: number; afterMs: number } | undefined): {
    crashOnStartWithExitCode?: number;
    crashAfterMs?: number;
} {
    return crash ? { crashOnStartWithExitCode: crash.exitCode, crashAfterMs: crash.afterMs } : {};
}

type Waiter = { id: string; status: TaskStatus; resolve(task: TaskRecord): void };

function pad(list: unknown): unknown[] {
    return Array.isArray(list) ? list : [];
}

export async function startEcsEndpoint(options: EcsEndpointOptions): Promise<EcsEndpoint> {
    const world: EcsWorld = {
        region: options.region ?? "us-east-1",
        account: options.account ?? LOCAL_ACCOUNT,
        clusters: options.clusters,
        taskDefinitions: options.taskDefinitions,
    };
    const launcher =
        options.launcher ??
        (options.externalWorkers
            ? externalWorkersLauncher()
            : options.workerBundlePath
              ? nodeProcessLauncher(options.workerBundlePath)
              : undefined);
    if (!launcher) throw new Error("startEcsEndpoint: give workerBundlePath, externalWorkers or a launcher");
    const output =
        options.output ??
        (({ taskId, line }: ContainerOutputLine) => process.stderr.write(`[${taskId.slice(0, 8)}] ${line}\n`));
    const entries = new Map<string, TaskEntry>();
    const listeners = new Set<(event: TaskStateChangeEvent) => void>();
    const waiters = new Set<Waiter>();
    const clientTokens = new Map<string, unknown>();
    /** Provisioning delays under way: close() ends them early. */
    const pendingDelays = new Map<NodeJS.Timeout, () => void>();
    const hooks = {
        runTaskFailures: [] as { reason: string; detail?: string }[],
        startFailures: [] as string[],
        exitAfterRunning: [] as { exitCode: number; afterMs: number }[],
    };
    let closed = false;

    const metadata = await startMetadataServer(id => entries.get(id)?.record);

    function apply(id: string, event: TaskEvent): void {
        const entry = entries.get(id);
        if (!entry) return;
        const now = Date.now();
        const next = nextTaskState(entry.record, event, now);
        if (!next) return;
        entry.record = next;
        publish(next, now);
    }

    function publish(record: TaskRecord, now: number): void {
        const event = toTaskStateChangeEvent(world, record, now);
        for (const listener of listeners) {
            try {
                listener(event);
            } catch (err: any) {
                process.stderr.write(`ecs endpoint: a task state change listener threw: ${err?.stack ?? err}\n`);
            }
        }
        for (const waiter of waiters) {
            if (
                waiter.id === record.taskId &&
                (record.lastStatus === waiter.status || record.lastStatus === "STOPPED")
            ) {
                waiters.delete(waiter);
                waiter.resolve(record);
            }
        }
    }

    function pruneStopped(): void {
        const limit = options.retainStoppedTasks ?? 1000;
        const stopped = [...entries.values()].filter(e => e.record.lastStatus === "STOPPED");
        for (const entry of stopped.slice(0, Math.max(0, stopped.length - limit))) entries.delete(entry.record.taskId);
    }

    function delay(ms: number): Promise<void> {
        return new Promise(resolve => {
            const timer = setTimeout(() => {
                pendingDelays.delete(timer);
                resolve();
            }, ms);
            pendingDelays.set(timer, resolve);
        });
    }

    async function runTaskLife(entry: TaskEntry, plan: TaskLaunchPlan): Promise<void> {
        const id = entry.record.taskId;
        await delay(options.provisioningDelayMs ?? 0);
        if (closed || entry.record.desiredStatus === "STOPPED") {
            apply(id, { type: "pending" });
            apply(id, {
                type: "failedToStart",
                reason: closed
                    ? "Local endpoint closed before the task started"
                    : "Task stopped before its container started",
            });
            return;
        }
        apply(id, { type: "pending" });
        const startFailure = hooks.startFailures.shift();
        if (startFailure !== undefined) {
            apply(id, { type: "failedToStart", reason: startFailure });
            return;
        }
        const environment = containerEnvironment(plan.container.environment, plan.environmentOverrides, {
            region: world.region,
            stepFunctionsEndpoint: options.stepFunctionsEndpoint,
            ecsEndpoint: ownUrl,
            metadataUri: metadata.uriFor(id),
            extra: options.extraEnvironment ?? (process.env.PATH ? { PATH: process.env.PATH } : {}),
        });
        const container = launcher!({
            taskId: id,
            taskArn: entry.record.taskArn,
            containerName: plan.container.name,
            environment,
            ...crashPlan(hooks.exitAfterRunning.shift()),
            onOutput: (stream, line) => output({ taskId: id, taskArn: entry.record.taskArn, stream, line }),
        });
        entry.container = container;
        try {
            await container.started;
        } catch (err: any) {
            apply(id, { type: "failedToStart", reason: String(err?.message ?? err) });
            await container.exited;
            return;
        }
        apply(id, { type: "running" });
        // A StopTask (or close) that came while the process was being created.
        if ((entry.record as TaskRecord).desiredStatus === "STOPPED") signalStop(entry);
        const exit = await container.exited;
        if (entry.killTimer) clearTimeout(entry.killTimer);
        apply(id, { type: "exited", exitCode: exitCodeOf(exit) });
    }

    /** SIGTERM now, SIGKILL after the container's stopTimeout, as the ECS agent does. */
    function signalStop(entry: TaskEntry, graceMs = entry.stopTimeoutMs): void {
        if (!entry.container || entry.record.lastStatus === "STOPPED") return;
        entry.container.signal("SIGTERM");
        if (entry.killTimer) clearTimeout(entry.killTimer);
        entry.killTimer = setTimeout(() => entry.container?.signal("SIGKILL"), graceMs);
    }

    function findEntry(clusterArn: string | undefined, ref: unknown): TaskEntry | undefined {
        if (typeof ref !== "string") return undefined;
        const entry = entries.get(taskIdOf(ref));
        if (!entry) return undefined;
        if (ref.startsWith("arn:") && ref !== entry.record.taskArn) return undefined;
        return clusterArn === undefined || entry.record.clusterArn === clusterArn ? entry : undefined;
    }

    function requireCluster(ref: string | undefined): DeclaredCluster {
        const cluster = findCluster(world, ref);
        if (!cluster) throw new AwsServiceError("ClusterNotFoundException", "Cluster not found.");
        return cluster;
    }

    function runTask(request: RunTaskCommandInput): unknown {
        if (closed) throw new AwsServiceError("ServerException", "The local ECS endpoint is shutting down.", 500);
        const decision = planRunTask(world, request);
        const token = typeof request.clientToken === "string" ? request.clientToken : undefined;
        if (token && clientTokens.has(token)) return clientTokens.get(token); // an SDK retry of the same call
        let answer: unknown;
        const capacity = decision.kind === "launch" ? hooks.runTaskFailures.shift() : undefined;
        if (decision.kind === "fail") {
            answer = { tasks: [], failures: decision.failures };
        } else if (capacity) {
            answer = { tasks: [], failures: [{ reason: capacity.reason, detail: capacity.detail }] };
        } else {
            const plan = decision.plan;
            const stopTimeoutMs = Math.min(
                (plan.container.stopTimeout ?? 30) * 1000,
                options.maxStopTimeoutMs ?? Infinity,
            );
            const created: TaskRecord[] = [];
            for (let index = 0; index < plan.count; index++) {
                const record = newTaskRecord(world, plan, newTaskId(), Date.now(), index);
                const entry: TaskEntry = { record, stopTimeoutMs, done: Promise.resolve() };
                entries.set(record.taskId, entry);
                publish(record, record.createdAt);
                entry.done = runTaskLife(entry, plan).catch(err => {
                    process.stderr.write(
                        `ecs endpoint: task ${record.taskId} failed unexpectedly: ${err?.stack ?? err}\n`,
                    );
                    apply(record.taskId, { type: "failedToStart", reason: `InternalError: ${err?.message ?? err}` });
                });
                created.push(record);
            }
            pruneStopped();
            answer = {
                tasks: created.map(record => toWireTask(record, { includeTags: record.tags.length > 0 })),
                failures: [],
            };
        }
        if (token) clientTokens.set(token, answer);
        return answer;
    }

    function describeTasks(request: DescribeTasksCommandInput): unknown {
        const cluster = requireCluster(request.cluster);
        const refs = pad(request.tasks);
        if (refs.length === 0) throw new AwsServiceError("InvalidParameterException", "Tasks cannot be empty.");
        if (refs.length > 100)
            throw new AwsServiceError("InvalidParameterException", "Tasks can have at most 100 items.");
        const includeTags = pad(request.include).includes("TAGS");
        const tasks: unknown[] = [];
        const failures: unknown[] = [];
        for (const ref of refs) {
            const entry = findEntry(cluster.arn, ref);
            if (entry) tasks.push(toWireTask(entry.record, { includeTags }));
            else failures.push({ arn: String(ref), reason: "MISSING" });
        }
        return { tasks, failures };
    }

    function stopTask(request: StopTaskCommandInput): unknown {
        const cluster = requireCluster(request.cluster);
        if (typeof request.task !== "string" || request.task === "")
            throw new AwsServiceError("InvalidParameterException", "Task can not be blank.");
        const entry = findEntry(cluster.arn, request.task);
        if (!entry) throw new AwsServiceError("InvalidParameterException", "The referenced task was not found.");
        apply(entry.record.taskId, { type: "stopRequested", reason: request.reason });
        signalStop(entry);
        return { task: toWireTask(entry.record) };
    }

    /** Tags a task (the worker marks the activity task it took). */
    function tagResource(request: { resourceArn?: unknown; tags?: unknown }): unknown {
        if (typeof request.resourceArn !== "string")
            throw new AwsServiceError("InvalidParameterException", "resourceArn is required.");
        const entry = entries.get(taskIdOf(request.resourceArn));
        if (!entry || entry.record.taskArn !== request.resourceArn)
            throw new AwsServiceError(
                "ResourceNotFoundException",
                `The specified resource ${request.resourceArn} could not be found.`,
            );
        const tags = pad(request.tags) as { key?: unknown; value?: unknown }[];
        if (tags.length === 0 || tags.some(t => typeof t?.key !== "string" || t.key.length < 1 || t.key.length > 128))
            throw new AwsServiceError(
                "InvalidParameterException",
                "tags must be 1 or more {key, value} pairs with keys of 1 to 128 characters.",
            );
        const merged = new Map(entry.record.tags.map(t => [t.key, t.value]));
        for (const t of tags) merged.set(t.key as string, typeof t.value === "string" ? t.value : undefined);
        entry.record = { ...entry.record, tags: [...merged].map(([key, value]) => ({ key, value })) };
        return {};
    }

    function listTasks(request: ListTasksCommandInput): unknown {
        const cluster = requireCluster(request.cluster);
        const desired = request.desiredStatus ?? "RUNNING";
        const maxResults = request.maxResults ?? 100;
        if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
            throw new AwsServiceError("InvalidParameterException", "maxResults must be between 1 and 100.");
        const offset = request.nextToken ? Number(Buffer.from(request.nextToken, "base64").toString("utf8")) : 0;
        if (!Number.isInteger(offset) || offset < 0)
            throw new AwsServiceError("InvalidParameterException", "Invalid nextToken.");
        const arns = [...entries.values()]
            .map(e => e.record)
            .filter(t => t.clusterArn === cluster.arn && t.desiredStatus === desired)
            .filter(t => !request.family || t.taskDefinitionArn.includes(`:task-definition/${request.family}:`))
            .filter(t => !request.startedBy || t.startedBy === request.startedBy)
            .filter(t => !request.launchType || t.launchType === request.launchType)
            .map(t => t.taskArn);
        const page = arns.slice(offset, offset + maxResults);
        const nextToken =
            offset + maxResults < arns.length ? Buffer.from(String(offset + maxResults)).toString("base64") : undefined;
        return { taskArns: page, nextToken };
    }

    let ownUrl: string | undefined;
    const server = await startAwsJsonServer(
        {
            protocol: "1.1",
            targetPrefix: "AmazonEC2ContainerServiceV20141113",
            operations: {
                RunTask: body => runTask(body),
                DescribeTasks: body => describeTasks(body),
                StopTask: body => stopTask(body),
                ListTasks: body => listTasks(body),
                TagResource: body => tagResource(body),
            },
        },
        { port: options.port },
    ).catch(async err => {
        await metadata.close();
        throw err;
    });
    ownUrl = server.url;

    const testHooks: EcsTestHooks = {
        failNextRunTask({ reason = CAPACITY_UNAVAILABLE, detail, times = 1 } = {}) {
            for (let i = 0; i < times; i++) hooks.runTaskFailures.push({ reason, detail });
        },
        failNextTaskStart({ reason = DEFAULT_START_FAILURE, times = 1 } = {}) {
            for (let i = 0; i < times; i++) hooks.startFailures.push(reason);
        },
        exitNextTaskAfterRunning({ exitCode = 1, times = 1, afterMs = 0 } = {}) {
            for (let i = 0; i < times; i++) hooks.exitAfterRunning.push({ exitCode, afterMs });
        },
        killTask(task, signal = "SIGKILL") {
            const entry = entries.get(taskIdOf(task));
            if (!entry?.container || entry.record.lastStatus === "STOPPED") return false;
            entry.container.signal(signal);
            return true;
        },
    };

    return {
        url: server.url,
        port: server.port,
        region: world.region,
        onTaskStateChange(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
        },
        tasks: () => [...entries.values()].map(e => e.record),
        task: ref => entries.get(taskIdOf(ref))?.record,
        waitForTaskStatus(ref, status, timeoutMs = 10_000) {
            const id = taskIdOf(ref);
            const current = entries.get(id)?.record;
            if (!current) return Promise.reject(new Error(`no task ${ref}`));
            if (current.lastStatus === status || current.lastStatus === "STOPPED") return Promise.resolve(current);
            return new Promise((resolve, reject) => {
                const timer = setTimeout(() => {
                    waiters.delete(waiter);
                    reject(
                        new Error(
                            `task ${id} did not reach ${status} within ${timeoutMs} ms (it is ${entries.get(id)?.record.lastStatus})`,
                        ),
                    );
                }, timeoutMs);
                const waiter: Waiter = {
                    id,
                    status,
                    resolve: task => {
                        clearTimeout(timer);
                        resolve(task);
                    },
                };
                waiters.add(waiter);
            });
        },
        testHooks,
        async close() {
            if (closed) return;
            closed = true;
            for (const [timer, resolve] of pendingDelays) {
                clearTimeout(timer);
                resolve(); // the task's life goes on and sees `closed`
            }
            pendingDelays.clear();
            const live = [...entries.values()];
            for (const entry of live) {
                if (entry.record.lastStatus === "STOPPED") continue;
                apply(entry.record.taskId, { type: "stopRequested", reason: "Local endpoint closed" });
                signalStop(entry, Math.min(entry.stopTimeoutMs, 3000));
            }
            await Promise.all(live.map(e => e.done));
            await Promise.all([server.close(), metadata.close()]);
        },
    };
}
