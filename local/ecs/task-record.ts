// A task's life as ECS reports it, kept pure: creating the record, moving it through
// PROVISIONING → PENDING → RUNNING → STOPPED (with the timing model: PROVISIONING → PENDING →
// ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED), and the two views of it (the DescribeTasks `Task`
// and the EventBridge "ECS Task State Change" event).
import { containerArn, taskArn } from "./arns";
import { EcsWorld, StopCode, TaskLaunchPlan, TaskRecord } from "./types";

export const STOPPED_REASON_EXITED = "Essential container in task exited";
export const STOPPED_REASON_USER = "Task stopped by user";

export function newTaskRecord(
    world: Pick<EcsWorld, "region" | "account">,
    plan: TaskLaunchPlan,
    taskId: string,
    now: number,
    index = 0,
): TaskRecord {
    const subnetId = plan.subnets.length > 0 ? plan.subnets[index % plan.subnets.length] : undefined;
    return {
        taskArn: taskArn(world, plan.cluster.name, taskId),
        taskId,
        clusterArn: plan.cluster.arn,
        taskDefinitionArn: plan.taskDefinition.arn,
        containerArn: containerArn(world, plan.cluster.name, taskId),
        containerName: plan.container.name,
        image: plan.container.image,
        lastStatus: "PROVISIONING",
        desiredStatus: "RUNNING",
        launchType: plan.launchType,
        capacityProviderName: plan.capacityProviderName,
        platformVersion: plan.platformVersion,
        cpu: plan.taskDefinition.cpu,
        memory: plan.taskDefinition.memory,
        group: plan.group,
        startedBy: plan.startedBy,
        tags: plan.tags,
        overrides: plan.overrides,
        subnetId,
        assignPublicIp: plan.assignPublicIp,
        availabilityZone: `${world.region}${"abc"[index % 3]}`,
        version: 1,
        createdAt: now,
    };
}

export type TaskEvent =
    /** The platform took the task (ENI attached, image pull begins). */
    | { type: "pending" }
    /** Timing model: the image pull ended. */
    | { type: "pulled" }
    /** Timing model: the container is being started. */
    | { type: "activating" }
    /** The container's process exists. */
    | { type: "running" }
    /** StopTask, or a Spot interruption's warning: the desired status drops to STOPPED; the process is signalled. */
    | { type: "stopRequested"; reason?: string; stopCode?: "UserInitiated" | "TerminationNotice" }
    /** The container never started (image pull failure, spawn failure, test hook). `settleAs`: the timing model's DEPROVISIONING first. */
    | { type: "failedToStart"; reason: string; settleAs?: "DEPROVISIONING" }
    /** The container's process ended. `settleAs`: the timing model's DEACTIVATING first. */
    | { type: "exited"; exitCode?: number; settleAs?: "DEACTIVATING" }
    /** Timing model: DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED, one step. */
    | { type: "advanceStop" };

/** The statuses before the container runs, and those after it ended. */
const BEFORE_RUNNING = new Set(["PROVISIONING", "PENDING", "ACTIVATING"]);
const STOP_SEQUENCE = ["DEACTIVATING", "STOPPING", "DEPROVISIONING", "STOPPED"] as const;

/** A stop someone asked for (StopTask, a Spot interruption) keeps its own reason; its final stop code. */
function requestedStop(task: TaskRecord): { stopCode: StopCode; reason?: string } | undefined {
    if (task.stopCode === "UserInitiated") return { stopCode: "UserInitiated", reason: task.stoppedReason };
    if (task.stopCode === "TerminationNotice") return { stopCode: "SpotInterruption", reason: task.stoppedReason };
    return undefined;
}

/** The record after `event`, or undefined when the event does not apply in the current status. */
export function nextTaskState(task: TaskRecord, event: TaskEvent, now: number): TaskRecord | undefined {
    const next = (changes: Partial<TaskRecord>): TaskRecord => ({ ...task, ...changes, version: task.version + 1 });
    switch (event.type) {
        case "pending":
            return task.lastStatus === "PROVISIONING" ? next({ lastStatus: "PENDING", pullStartedAt: now }) : undefined;
        case "pulled":
            return task.lastStatus === "PENDING" && task.pullStoppedAt === undefined
                ? next({ pullStoppedAt: now })
                : undefined;
        case "activating":
            return task.lastStatus === "PENDING"
                ? next({ lastStatus: "ACTIVATING", pullStoppedAt: task.pullStoppedAt ?? now })
                : undefined;
        case "running":
            return task.lastStatus === "PENDING" || task.lastStatus === "ACTIVATING"
                ? next({ lastStatus: "RUNNING", pullStoppedAt: task.pullStoppedAt ?? now, startedAt: now })
                : undefined;
        case "stopRequested":
            if (task.lastStatus === "STOPPED" || task.desiredStatus === "STOPPED") return undefined;
            return next({
                desiredStatus: "STOPPED",
                stoppingAt: now,
                stoppedReason: event.reason || STOPPED_REASON_USER,
                stopCode: event.stopCode ?? "UserInitiated",
            });
        case "failedToStart": {
            if (!BEFORE_RUNNING.has(task.lastStatus)) return undefined;
            const requested = requestedStop(task);
            const settled = event.settleAs === undefined;
            return next({
                lastStatus: event.settleAs ?? "STOPPED",
                desiredStatus: "STOPPED",
                containerReason: event.reason,
                stoppedReason: requested ? requested.reason : event.reason,
                stopCode: requested ? requested.stopCode : "TaskFailedToStart",
                stoppingAt: task.stoppingAt ?? now,
                executionStoppedAt: now,
                stoppedAt: settled ? now : undefined,
            });
        }
        case "exited": {
            if ((STOP_SEQUENCE as readonly string[]).includes(task.lastStatus)) return undefined;
            const requested = requestedStop(task);
            const settled = event.settleAs === undefined;
            return next({
                lastStatus: event.settleAs ?? "STOPPED",
                desiredStatus: "STOPPED",
                exitCode: event.exitCode,
                stoppedReason: requested ? requested.reason : STOPPED_REASON_EXITED,
                stopCode: requested ? requested.stopCode : "EssentialContainerExited",
                stoppingAt: task.stoppingAt ?? now,
                executionStoppedAt: now,
                stoppedAt: settled ? now : undefined,
            });
        }
        case "advanceStop": {
            const at = (STOP_SEQUENCE as readonly string[]).indexOf(task.lastStatus);
            if (at < 0 || at === STOP_SEQUENCE.length - 1) return undefined;
            const lastStatus = STOP_SEQUENCE[at + 1];
            return next({ lastStatus, stoppedAt: lastStatus === "STOPPED" ? now : undefined });
        }
    }
}

const seconds = (ms: number | undefined) => (ms === undefined ? undefined : ms / 1000);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function containerView(task: TaskRecord) {
    return {
        containerArn: task.containerArn,
        taskArn: task.taskArn,
        name: task.containerName,
        image: task.image,
        lastStatus: task.lastStatus,
        exitCode: task.exitCode,
        reason: task.containerReason,
        networkInterfaces: task.subnetId
            ? [{ attachmentId: `eni-attach-${task.taskId.slice(0, 8)}`, privateIpv4Address: privateIp(task.taskId) }]
            : [],
        cpu: "0",
    };
}

function privateIp(taskId: string): string {
    return `10.0.${parseInt(taskId.slice(0, 2), 16)}.${parseInt(taskId.slice(2, 4), 16)}`;
}

/** The ECS API `Task` (DescribeTasks, RunTask, StopTask): timestamps in epoch seconds. */
export function toWireTask(task: TaskRecord, options: { includeTags?: boolean } = {}): Record<string, unknown> {
    return {
        taskArn: task.taskArn,
        clusterArn: task.clusterArn,
        taskDefinitionArn: task.taskDefinitionArn,
        lastStatus: task.lastStatus,
        desiredStatus: task.desiredStatus,
        launchType: task.launchType,
        capacityProviderName: task.capacityProviderName,
        platformVersion: task.platformVersion,
        platformFamily: task.launchType === "FARGATE" ? "Linux" : undefined,
        cpu: task.cpu,
        memory: task.memory,
        group: task.group,
        startedBy: task.startedBy,
        version: task.version,
        connectivity: task.lastStatus === "PROVISIONING" ? undefined : "CONNECTED",
        availabilityZone: task.availabilityZone,
        overrides: task.overrides,
        containers: [containerView(task)],
        attachments: task.subnetId
            ? [
                  {
                      id: `attachment-${task.taskId.slice(0, 8)}`,
                      type: "ElasticNetworkInterface",
                      status: task.lastStatus === "STOPPED" ? "DELETED" : "ATTACHED",
                      details: [
                          { name: "subnetId", value: task.subnetId },
                          { name: "privateIPv4Address", value: privateIp(task.taskId) },
                      ],
                  },
              ]
            : [],
        createdAt: seconds(task.createdAt),
        connectivityAt: seconds(task.pullStartedAt),
        pullStartedAt: seconds(task.pullStartedAt),
        pullStoppedAt: seconds(task.pullStoppedAt),
        startedAt: seconds(task.startedAt),
        stoppingAt: seconds(task.stoppingAt),
        executionStoppedAt: seconds(task.executionStoppedAt),
        stoppedAt: seconds(task.stoppedAt),
        stoppedReason: task.stoppedReason,
        stopCode: task.stopCode,
        tags: options.includeTags ? task.tags : undefined,
    };
}

/** The `detail` of an EventBridge "ECS Task State Change" event: ISO timestamps, as EventBridge sends. */
export function toTaskStateChangeDetail(task: TaskRecord, now: number) {
    return {
        clusterArn: task.clusterArn,
        taskArn: task.taskArn,
        taskDefinitionArn: task.taskDefinitionArn,
        lastStatus: task.lastStatus,
        desiredStatus: task.desiredStatus,
        launchType: task.launchType,
        capacityProviderName: task.capacityProviderName,
        platformVersion: task.platformVersion,
        cpu: task.cpu,
        memory: task.memory,
        group: task.group,
        startedBy: task.startedBy,
        version: task.version,
        availabilityZone: task.availabilityZone,
        overrides: task.overrides,
        containers: [containerView(task)],
        createdAt: iso(task.createdAt),
        pullStartedAt: iso(task.pullStartedAt),
        pullStoppedAt: iso(task.pullStoppedAt),
        startedAt: iso(task.startedAt),
        stoppingAt: iso(task.stoppingAt),
        executionStoppedAt: iso(task.executionStoppedAt),
        stoppedAt: iso(task.stoppedAt),
        stoppedReason: task.stoppedReason,
        stopCode: task.stopCode,
        updatedAt: iso(now),
    };
}

export type TaskStateChangeDetail = ReturnType<typeof toTaskStateChangeDetail>;

/** The whole EventBridge event, as a rule on `source: aws.ecs` would deliver it to a Lambda. */
export interface TaskStateChangeEvent {
    version: "0";
    id: string;
    "detail-type": "ECS Task State Change";
    source: "aws.ecs";
    account: string;
    time: string;
    region: string;
    resources: string[];
    detail: TaskStateChangeDetail;
}

export function toTaskStateChangeEvent(
    world: Pick<EcsWorld, "region" | "account">,
    task: TaskRecord,
    now: number,
): TaskStateChangeEvent {
    return {
        version: "0",
        id: crypto.randomUUID(),
        "detail-type": "ECS Task State Change",
        source: "aws.ecs",
        account: world.account,
        time: new Date(now).toISOString().replace(/\.\d{3}Z$/, "Z"),
        region: world.region,
        resources: [task.taskArn],
        detail: toTaskStateChangeDetail(task, now),
    };
}
