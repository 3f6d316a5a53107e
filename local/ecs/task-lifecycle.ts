// Each task's life on this machine: PROVISIONING (for the configured delay), PENDING, its container
// started as a local process, RUNNING, then STOPPED when that process ends. A stop sends SIGTERM,
// then SIGKILL after the container's stopTimeout, as the ECS agent does. Every change goes through
// the task table, which tells the subscribers.
import { newTaskId } from "./arns";
import { ContainerLauncher, LaunchedContainer, OutputStream, exitCodeOf } from "./container-launcher";
import { containerEnvironment } from "./container-environment";
import { MetadataServer } from "./metadata-server";
import { newTaskRecord } from "./task-record";
import { TaskEntry, TaskTable } from "./task-table";
import { InjectedFailures, crashPlan } from "./test-hooks";
import { EcsWorld, TaskLaunchPlan, TaskRecord } from "./types";

export interface ContainerOutputLine {
    taskId: string;
    taskArn: string;
    stream: OutputStream;
    line: string;
}

export interface TaskLifecycleOptions {
    world: Pick<EcsWorld, "region" | "account">;
    tasks: TaskTable;
    launcher: ContainerLauncher;
    output: (line: ContainerOutputLine) => void;
    metadata: Pick<MetadataServer, "uriFor">;
    failures: InjectedFailures;
    /** Handed to containers as AWS_ENDPOINT_URL_SFN. */
    stepFunctionsEndpoint?: string;
    /** Added to every container's environment; default `{ PATH }` of this process. */
    extraEnvironment?: Record<string, string>;
    /** Time spent in PROVISIONING before PENDING. Default 0. */
    provisioningDelayMs?: number;
    /** Upper bound on a container's stopTimeout. Default: none. */
    maxStopTimeoutMs?: number;
}

export class TaskLifecycle {
    /** Handed to containers as AWS_ENDPOINT_URL_ECS; known once the endpoint listens. */
    ecsEndpointUrl?: string;
    private closed = false;
    /** Provisioning delays under way: close() ends them early. */
    private readonly pendingDelays = new Map<NodeJS.Timeout, () => void>();

    constructor(private readonly options: TaskLifecycleOptions) {}

    get isClosed(): boolean {
        return this.closed;
    }

    /** Creates the plan's tasks (PROVISIONING) and starts each one's life; returns their first records. */
    launch(plan: TaskLaunchPlan): TaskRecord[] {
        const { tasks, world } = this.options;
        const stopTimeoutMs = Math.min(
            (plan.container.stopTimeout ?? 30) * 1000,
            this.options.maxStopTimeoutMs ?? Infinity,
        );
        const created: TaskRecord[] = [];
        for (let index = 0; index < plan.count; index++) {
            const record = newTaskRecord(world, plan, newTaskId(), Date.now(), index);
            const entry: TaskEntry = { record, stopTimeoutMs, done: Promise.resolve() };
            tasks.add(entry);
            entry.done = this.live(entry, plan).catch(err => {
                process.stderr.write(`ecs endpoint: task ${record.taskId} failed unexpectedly: ${err?.stack ?? err}\n`);
                tasks.apply(record.taskId, { type: "failedToStart", reason: `InternalError: ${err?.message ?? err}` });
            });
            created.push(record);
        }
        tasks.pruneStopped();
        return created;
    }

    private async live(entry: TaskEntry, plan: TaskLaunchPlan): Promise<void> {
        const { tasks, failures } = this.options;
        const id = entry.record.taskId;
        await this.delay(this.options.provisioningDelayMs ?? 0);
        if (this.closed || entry.record.desiredStatus === "STOPPED") {
            tasks.apply(id, { type: "pending" });
            tasks.apply(id, {
                type: "failedToStart",
                reason: this.closed
                    ? "Local endpoint closed before the task started"
                    : "Task stopped before its container started",
            });
            return;
        }
        tasks.apply(id, { type: "pending" });
        const startFailure = failures.startFailures.shift();
        if (startFailure !== undefined) {
            tasks.apply(id, { type: "failedToStart", reason: startFailure });
            return;
        }
        const container = this.startContainer(entry, plan);
        entry.container = container;
        try {
            await container.started;
        } catch (err: any) {
            tasks.apply(id, { type: "failedToStart", reason: String(err?.message ?? err) });
            await container.exited;
            return;
        }
        tasks.apply(id, { type: "running" });
        // A StopTask (or close) that came while the process was being created.
        if ((entry.record as TaskRecord).desiredStatus === "STOPPED") this.signalStop(entry);
        const exit = await container.exited;
        if (entry.killTimer) clearTimeout(entry.killTimer);
        tasks.apply(id, { type: "exited", exitCode: exitCodeOf(exit) });
    }

    private startContainer(entry: TaskEntry, plan: TaskLaunchPlan): LaunchedContainer {
        const { world, metadata, output, failures } = this.options;
        const id = entry.record.taskId;
        entry.stopAtMetadataRead = failures.stopsBeforeFirstPoll.shift();
        const environment = containerEnvironment(plan.container.environment, plan.environmentOverrides, {
            region: world.region,
            stepFunctionsEndpoint: this.options.stepFunctionsEndpoint,
            ecsEndpoint: this.ecsEndpointUrl,
            metadataUri: metadata.uriFor(id),
            extra: this.options.extraEnvironment ?? (process.env.PATH ? { PATH: process.env.PATH } : {}),
        });
        return this.options.launcher({
            taskId: id,
            taskArn: entry.record.taskArn,
            containerName: plan.container.name,
            image: plan.container.image ?? "",
            environment,
            ...crashPlan(failures.exitAfterRunning.shift()),
            onOutput: (stream, line) => output({ taskId: id, taskArn: entry.record.taskArn, stream, line }),
        });
    }

    /**
     * Before the metadata endpoint answers a container: a stop the test hook queued for this task
     * happens now, and the answer waits a moment so the SIGTERM reaches the worker first.
     */
    async beforeMetadataAnswer(taskId: string): Promise<void> {
        const entry = this.options.tasks.byId(taskId);
        const reason = entry?.stopAtMetadataRead;
        if (!entry || reason === undefined) return;
        entry.stopAtMetadataRead = undefined;
        this.options.tasks.apply(taskId, { type: "stopRequested", reason });
        this.signalStop(entry);
        await new Promise(resolve => setTimeout(resolve, 100));
    }

    /** SIGTERM now, SIGKILL after the container's stopTimeout, as the ECS agent does. */
    signalStop(entry: TaskEntry, graceMs = entry.stopTimeoutMs): void {
        if (!entry.container || entry.record.lastStatus === "STOPPED") return;
        entry.container.signal("SIGTERM");
        if (entry.killTimer) clearTimeout(entry.killTimer);
        entry.killTimer = setTimeout(() => entry.container?.signal("SIGKILL"), graceMs);
    }

    private delay(ms: number): Promise<void> {
        return new Promise(resolve => {
            const timer = setTimeout(() => {
                this.pendingDelays.delete(timer);
                resolve();
            }, ms);
            this.pendingDelays.set(timer, resolve);
        });
    }

    /** Stops every task that is not yet STOPPED (grace at most 3 s) and waits for their lives to end. */
    async close(): Promise<void> {
        this.closed = true;
        for (const [timer, resolve] of this.pendingDelays) {
            clearTimeout(timer);
            resolve(); // the task's life goes on and sees `closed`
        }
        this.pendingDelays.clear();
        const live = this.options.tasks.all();
        for (const entry of live) {
            if (entry.record.lastStatus === "STOPPED") continue;
            this.options.tasks.apply(entry.record.taskId, { type: "stopRequested", reason: "Local endpoint closed" });
            this.signalStop(entry, Math.min(entry.stopTimeoutMs, 3000));
        }
        await Promise.all(live.map(e => e.done));
    }
}
