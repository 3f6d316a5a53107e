// Validates a RunTask request against the declared world, the way ECS does, and turns it into a
// launch plan. Pure: no servers, no processes. Invalid requests throw ECS-shaped errors; requests
// ECS accepts but cannot place answer with `failures` (a 200 with no task), as ECS does.
import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { AwsServiceError } from "../shared/aws-json-server";
import { findCluster, findTaskDefinition } from "./arns";
import { checkCount, checkStartedBy, checkTags, invalid, requireArray } from "./run-task-fields";
import { choosePlacement } from "./run-task-placement";
import {
    ContainerDefinition,
    DeclaredCluster,
    DeclaredTaskDefinition,
    EcsWorld,
    KeyValuePair,
    TaskLaunchPlan,
} from "./types";

export interface RunTaskFailure {
    arn?: string;
    reason: string;
    detail?: string;
}

export type RunTaskDecision = { kind: "launch"; plan: TaskLaunchPlan } | { kind: "fail"; failures: RunTaskFailure[] };

type NetworkPlan = Pick<TaskLaunchPlan, "subnets" | "securityGroups" | "assignPublicIp">;

/**
 * Checks a RunTask request in ECS's order (count, cluster, task definition, placement, network,
 * container, overrides, startedBy, tags: the first fault found is the one answered) and plans it.
 */
export function planRunTask(world: EcsWorld, request: RunTaskCommandInput): RunTaskDecision {
    const count = checkCount(request.count);
    const cluster = requireCluster(world, request);
    const taskDefinition = requireTaskDefinition(world, request);
    const { launchType, capacityProviderName } = choosePlacement(cluster, taskDefinition, request);
    const network = checkNetworkConfiguration(taskDefinition, launchType, request);
    const container = essentialContainer(taskDefinition);
    const overrides = (request.overrides ?? {}) as TaskLaunchPlan["overrides"];
    const environmentOverrides = checkContainerOverrides(taskDefinition, container, overrides);

    const plan: TaskLaunchPlan = {
        cluster,
        taskDefinition,
        container,
        count,
        launchType,
        capacityProviderName,
        platformVersion: platformVersionFor(launchType, request.platformVersion),
        group: request.group ?? `family:${taskDefinition.family}`,
        startedBy: checkStartedBy(request.startedBy),
        tags: checkTags(request.tags),
        overrides,
        environmentOverrides,
        subnets: network.subnets,
        securityGroups: network.securityGroups,
        assignPublicIp: network.assignPublicIp,
    };
    // Accepted, but this machine has no EC2 container instances to place it on: ECS answers 200 with a failure.
    if (launchType !== "FARGATE")
        return { kind: "fail", failures: [{ reason: "No Container Instances were found in your cluster." }] };
    return { kind: "launch", plan };
}

function requireCluster(world: EcsWorld, request: RunTaskCommandInput): DeclaredCluster {
    const cluster = findCluster(world, request.cluster);
    if (!cluster) throw new AwsServiceError("ClusterNotFoundException", "Cluster not found.");
    return cluster;
}

function requireTaskDefinition(world: EcsWorld, request: RunTaskCommandInput): DeclaredTaskDefinition {
    if (typeof request.taskDefinition !== "string" || request.taskDefinition === "")
        throw invalid("TaskDefinition can not be blank.");
    const taskDefinition = findTaskDefinition(world, request.taskDefinition);
    if (!taskDefinition) throw invalid("TaskDefinition not found.");
    return taskDefinition;
}

/** awsvpc needs an awsvpcConfiguration (1-16 subnets, up to 5 security groups); Fargate needs awsvpc. */
function checkNetworkConfiguration(
    taskDefinition: DeclaredTaskDefinition,
    launchType: TaskLaunchPlan["launchType"],
    request: RunTaskCommandInput,
): NetworkPlan {
    const networkMode = taskDefinition.networkMode ?? "awsvpc";
    const awsvpc = request.networkConfiguration?.awsvpcConfiguration;
    if (networkMode !== "awsvpc") {
        if (launchType === "FARGATE")
            throw new AwsServiceError("ClientException", "Fargate only supports network mode 'awsvpc'.");
        return { subnets: [], securityGroups: [], assignPublicIp: "DISABLED" };
    }
    if (!awsvpc) throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
    const subnets = requireArray<string>(awsvpc.subnets, "subnets");
    const securityGroups = requireArray<string>(awsvpc.securityGroups, "securityGroups");
    if (subnets.length === 0) throw invalid("subnets can not be empty.");
    if (subnets.length > 16) throw invalid("subnets can have at most 16 items.");
    if (securityGroups.length > 5) throw invalid("securityGroups can have at most 5 items.");
    if (
        awsvpc.assignPublicIp !== undefined &&
        awsvpc.assignPublicIp !== "ENABLED" &&
        awsvpc.assignPublicIp !== "DISABLED"
    ) {
        throw invalid("assignPublicIp must be ENABLED or DISABLED.");
    }
    return { subnets, securityGroups, assignPublicIp: awsvpc.assignPublicIp ?? "DISABLED" };
}

/** The container that runs: the first essential one. */
function essentialContainer(taskDefinition: DeclaredTaskDefinition): ContainerDefinition {
    const container = taskDefinition.containerDefinitions.find(c => c.essential !== false);
    if (!container) throw new AwsServiceError("ClientException", "The task definition has no essential container.");
    return container;
}

/**
 * Checks every container override (a container of the task definition, named environment
 * variables) and returns the running container's environment overrides, in order.
 */
function checkContainerOverrides(
    taskDefinition: DeclaredTaskDefinition,
    container: ContainerDefinition,
    overrides: TaskLaunchPlan["overrides"],
): KeyValuePair[] {
    const environmentOverrides: KeyValuePair[] = [];
    for (const override of requireArray<{ name?: string; environment?: KeyValuePair[] }>(
        overrides.containerOverrides,
        "containerOverrides",
    )) {
        if (!taskDefinition.containerDefinitions.some(c => c.name === override.name)) {
            throw invalid(`Override for container named ${override.name} is not a container in the TaskDefinition.`);
        }
        for (const pair of requireArray<KeyValuePair>(override.environment, "environment")) {
            if (typeof pair?.name !== "string" || pair.name === "")
                throw invalid("Environment variable names in container overrides can not be blank.");
            if (override.name === container.name)
                environmentOverrides.push({ name: pair.name, value: String(pair.value ?? "") });
        }
    }
    return environmentOverrides;
}

/** Fargate runs the requested platform version, LATEST being 1.4.0; other launch types have none. */
function platformVersionFor(
    launchType: TaskLaunchPlan["launchType"],
    requested: string | undefined,
): string | undefined {
    if (launchType !== "FARGATE") return undefined;
    return requested && requested !== "LATEST" ? requested : "1.4.0";
}
