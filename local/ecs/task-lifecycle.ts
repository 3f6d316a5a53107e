// Each task's life on this machine: PROVISIONING (for the configured delay), PENDING, its container
// started as a local process, RUNNING, then STOPPED when that process ends. With the Fargate timing
// model (timing-model.ts) each phase lasts what the model sampled for the task, and the task also
// passes ACTIVATING, DEACTIVATING, STOPPING and DEPROVISIONING; a Spot task may be interrupted. A
// stop sends SIGTERM, then SIGKILL after the container's stopTimeout, as the ECS agent does. Every
// change goes through the task table, which tells the subscribers.
import { newTaskId } from "./arns";
import { ContainerLauncher, LaunchedContainer, OutputStream, exitCodeOf } from "./container-launcher";
import { containerEnvironment } from "./container-environment";
import { FargateTiming, TaskTimingPlan, imageBytesFor } from "./timing-model";
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
    /** The Fargate timing model; replaces provisioningDelayMs. Default: none (tasks start at once). */
    timing?: FargateTiming;
    /** The size in bytes of an image's own layer (locally: its worker bundle), for the model's pull. */
    imageLayerBytes?: (image: string) => number | undefined;
}

/** What ECS says when a Spot task is interrupted (the warning event's stoppedReason). */
export const SPOT_INTERRUPTION_REASON = "Your Spot Task was interrupted.";

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
        const { tasks, failures, timing } = this.options;
        const id = entry.record.taskId;
        const model = timing ? this.planTiming(entry, plan, timing) : undefined;
        await this.delay(model ? timing!.realMs(model.provisioning) : (this.options.provisioningDelayMs ?? 0));
        if (await this.stoppedBeforeStart(entry)) return;
        tasks.apply(id, { type: "pending" });
        const startFailure = failures.startFailures.shift();
        if (startFailure !== undefined) return this.failStart(entry, startFailure);
        if (model) {
            await this.delay(timing!.realMs(model.pull));
            tasks.apply(id, { type: "pulled" });
            await this.delay(timing!.realMs(model.containerStart));
            if (await this.stoppedBeforeStart(entry)) return;
            tasks.apply(id, { type: "activating" });
        }
        const container = this.startContainer(entry, plan);
        entry.container = container;
        try {
            await container.started;
        } catch (err: any) {
            await this.failStart(entry, String(err?.message ?? err));
            await container.exited;
            return;
        }
        tasks.apply(id, { type: "running" });
        // A StopTask (or close) that came while the process was being created.
        if ((entry.record as TaskRecord).desiredStatus === "STOPPED") this.signalStop(entry);
        if (model?.spotInterruptionAfter !== undefined)
            entry.spotTimer = setTimeout(() => this.interruptSpot(entry), timing!.realMs(model.spotInterruptionAfter));
        const exit = await container.exited;
        if (entry.killTimer) clearTimeout(entry.killTimer);
        if (entry.spotTimer) clearTimeout(entry.spotTimer);
        if (!model) return tasks.apply(id, { type: "exited", exitCode: exitCodeOf(exit) });
        tasks.apply(id, { type: "exited", exitCode: exitCodeOf(exit), settleAs: "DEACTIVATING" });
        await this.delay(timing!.realMs(model.deactivating));
        tasks.apply(id, { type: "advanceStop" }); // STOPPING
        await this.delay(timing!.realMs(model.stopping));
        tasks.apply(id, { type: "advanceStop" }); // DEPROVISIONING
        await this.deprovision(entry);
    }

    /** The model's delays for this task, from its image's size and its capacity. */
    private planTiming(entry: TaskEntry, plan: TaskLaunchPlan, timing: FargateTiming): TaskTimingPlan {
        const ownLayer = this.options.imageLayerBytes?.(plan.container.image ?? "") ?? 0;
        entry.timing = timing.planTask(imageBytesFor(ownLayer), plan.capacityProviderName === "FARGATE_SPOT");
        return entry.timing;
    }

    /** A close or StopTask before the container started: the task stops without one. */
    private async stoppedBeforeStart(entry: TaskEntry): Promise<boolean> {
        if (!this.closed && entry.record.desiredStatus !== "STOPPED") return false;
        this.options.tasks.apply(entry.record.taskId, { type: "pending" });
        await this.failStart(
            entry,
            this.closed ? "Local endpoint closed before the task started" : "Task stopped before its container started",
        );
        return true;
    }

    /** STOPPED with `reason`; under the timing model through DEPROVISIONING. */
    private async failStart(entry: TaskEntry, reason: string): Promise<void> {
        const { tasks, timing } = this.options;
        if (!timing) return tasks.apply(entry.record.taskId, { type: "failedToStart", reason });
        tasks.apply(entry.record.taskId, { type: "failedToStart", reason, settleAs: "DEPROVISIONING" });
        await this.deprovision(entry);
    }

    private async deprovision(entry: TaskEntry): Promise<void> {
        await this.delay(this.options.timing!.realMs(entry.timing?.deprovisioning ?? 0));
        this.options.tasks.apply(entry.record.taskId, { type: "advanceStop" }); // STOPPED
    }

    /** Fargate reclaims a Spot task: the warning (SIGTERM), then SIGKILL after the stopTimeout. */
    private interruptSpot(entry: TaskEntry): void {
        entry.spotTimer = undefined;
        if (entry.record.lastStatus !== "RUNNING" || entry.record.desiredStatus === "STOPPED") return;
        this.options.tasks.apply(entry.record.taskId, {
            type: "stopRequested",
            reason: SPOT_INTERRUPTION_REASON,
            stopCode: "TerminationNotice",
        });
        this.signalStop(entry);
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
        if (this.closed) return Promise.resolve();
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
