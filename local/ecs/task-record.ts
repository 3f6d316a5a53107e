// A task's life as ECS reports it, kept pure: creating the record, moving it through
// PROVISIONING → PENDING → RUNNING → STOPPED, and the two views of it (the DescribeTasks `Task`
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
        availabilityZone: `${world.region}${"abc"[index % 3]}`,
        version: 1,
        createdAt: now,
    };
}

export type TaskEvent =
    /** The platform took the task (ENI attached, image pull begins). */
    | { type: "pending" }
    /** The container's process exists. */
    | { type: "running" }
    /** StopTask: the desired status drops to STOPPED; the process is signalled. */
    | { type: "stopRequested"; reason?: string }
    /** The container never started (image pull failure, spawn failure, test hook). */
    | { type: "failedToStart"; reason: string }
    /** The container's process ended. */
    | { type: "exited"; exitCode?: number };

/** The record after `event`, or undefined when the event does not apply in the current status. */
export function nextTaskState(task: TaskRecord, event: TaskEvent, now: number): TaskRecord | undefined {
    const next = (changes: Partial<TaskRecord>): TaskRecord => ({ ...task, ...changes, version: task.version + 1 });
    switch (event.type) {
        case "pending":
            return task.lastStatus === "PROVISIONING" ? next({ lastStatus: "PENDING", pullStartedAt: now }) : undefined;
        case "running":
            return task.lastStatus === "PENDING"
                ? next({ lastStatus: "RUNNING", pullStoppedAt: now, startedAt: now })
                : undefined;
        case "stopRequested":
            if (task.lastStatus === "STOPPED" || task.desiredStatus === "STOPPED") return undefined;
            return next({
                desiredStatus: "STOPPED",
                stoppingAt: now,
                stoppedReason: event.reason || STOPPED_REASON_USER,
                stopCode: "UserInitiated",
            });
        case "failedToStart":
            if (task.lastStatus === "STOPPED" || task.lastStatus === "RUNNING") return undefined;
            return next({
                lastStatus: "STOPPED",
                desiredStatus: "STOPPED",
                containerReason: event.reason,
                stoppedReason: task.stopCode === "UserInitiated" ? task.stoppedReason : event.reason,
                stopCode: task.stopCode === "UserInitiated" ? "UserInitiated" : "TaskFailedToStart",
                stoppingAt: task.stoppingAt ?? now,
                executionStoppedAt: now,
                stoppedAt: now,
            });
        case "exited": {
            if (task.lastStatus === "STOPPED") return undefined;
            const userStop = task.stopCode === "UserInitiated";
            const stopCode: StopCode = userStop ? "UserInitiated" : "EssentialContainerExited";
            return next({
                lastStatus: "STOPPED",
                desiredStatus: "STOPPED",
                exitCode: event.exitCode,
                stoppedReason: userStop ? task.stoppedReason : STOPPED_REASON_EXITED,
                stopCode,
                stoppingAt: task.stoppingAt ?? now,
                executionStoppedAt: now,
                stoppedAt: now,
            });
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
