// Validates a RunTask request against the declared world, the way ECS does, and turns it into a
// launch plan. Pure: no servers, no processes. Invalid requests throw ECS-shaped errors; requests
// ECS accepts but cannot place answer with `failures` (a 200 with no task), as ECS does.
import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { AwsServiceError } from "../shared/aws-json-server";
import { findCluster, findTaskDefinition } from "./arns";
import { CapacityProviderStrategyItem, EcsWorld, KeyValuePair, TaskLaunchPlan } from "./types";

export interface RunTaskFailure {
    arn?: string;
    reason: string;
    detail?: string;
}

export type RunTaskDecision = { kind: "launch"; plan: TaskLaunchPlan } | { kind: "fail"; failures: RunTaskFailure[] };

const FARGATE_PROVIDERS = new Set(["FARGATE", "FARGATE_SPOT"]);

function invalid(message: string): AwsServiceError {
    return new AwsServiceError("InvalidParameterException", message);
}

function requireArray<T>(value: unknown, field: string): T[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new AwsServiceError("SerializationException", `${field} must be a list`);
    return value as T[];
}

function checkCount(count: unknown): number {
    if (count === undefined || count === null) return 1;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 10) {
        throw invalid("count must be between 1 and 10.");
    }
    return count;
}

/** startedBy: up to 128 letters, digits, hyphens, slashes and underscores (so an ARN does not fit). */
function checkStartedBy(startedBy: unknown): string | undefined {
    if (startedBy === undefined || startedBy === null) return undefined;
    if (typeof startedBy !== "string" || !/^[A-Za-z0-9_\-/]{1,128}$/.test(startedBy)) {
        throw invalid(
            "startedBy may contain up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slashes (/), and underscores (_).",
        );
    }
    return startedBy;
}

function checkTags(tags: unknown): { key: string; value?: string }[] {
    const list = requireArray<{ key?: unknown; value?: unknown }>(tags, "tags");
    if (list.length > 50) throw invalid("The number of tags exceeds the limit of 50.");
    return list.map(tag => {
        if (typeof tag?.key !== "string" || tag.key.length < 1 || tag.key.length > 128)
            throw invalid("Tag keys must be 1 to 128 characters long.");
        if (tag.key.toLowerCase().startsWith("aws:"))
            throw invalid("Tag keys may not start with the reserved prefix aws:.");
        if (tag.value !== undefined && (typeof tag.value !== "string" || tag.value.length > 256))
            throw invalid("Tag values must be at most 256 characters long.");
        return { key: tag.key, value: tag.value as string | undefined };
    });
}

/** Picks the provider a strategy places the (first) task on: the one with a base, else the heaviest. */
function pickProvider(strategy: CapacityProviderStrategyItem[]): string {
    const withBase = strategy.find(item => (item.base ?? 0) > 0);
    if (withBase) return withBase.capacityProvider;
    const heaviest = [...strategy].sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0))[0];
    if ((heaviest.weight ?? 0) <= 0)
        throw invalid(
            "The capacity provider strategy must have at least one capacity provider with a weight greater than zero.",
        );
    return heaviest.capacityProvider;
}

export function planRunTask(world: EcsWorld, request: RunTaskCommandInput): RunTaskDecision {
    const count = checkCount(request.count);
    const cluster = findCluster(world, request.cluster);
    if (!cluster) throw new AwsServiceError("ClusterNotFoundException", "Cluster not found.");
    if (typeof request.taskDefinition !== "string" || request.taskDefinition === "")
        throw invalid("TaskDefinition can not be blank.");
    const taskDefinition = findTaskDefinition(world, request.taskDefinition);
    if (!taskDefinition) throw invalid("TaskDefinition not found.");

    const strategyInput = requireArray<CapacityProviderStrategyItem>(
        request.capacityProviderStrategy,
        "capacityProviderStrategy",
    );
    if (request.launchType && strategyInput.length > 0) {
        throw invalid(
            "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
        );
    }
    let launchType: TaskLaunchPlan["launchType"];
    let capacityProviderName: string | undefined;
    const strategy = request.launchType
        ? []
        : strategyInput.length > 0
          ? strategyInput
          : (cluster.defaultCapacityProviderStrategy ?? []);
    if (strategy.length > 0) {
        for (const item of strategy) {
            if (!(cluster.capacityProviders ?? []).includes(item.capacityProvider)) {
                throw invalid(
                    "The specified capacity provider strategy cannot contain a capacity provider that is not associated with the cluster. Associate the capacity provider with the cluster or specify a valid capacity provider and try again.",
                );
            }
        }
        const fargate = strategy.filter(item => FARGATE_PROVIDERS.has(item.capacityProvider)).length;
        if (fargate !== 0 && fargate !== strategy.length) {
            throw invalid(
                "The capacity provider strategy cannot mix Fargate capacity providers with Auto Scaling group capacity providers.",
            );
        }
        capacityProviderName = pickProvider(strategy);
        launchType = fargate > 0 ? "FARGATE" : "EC2";
    } else {
        const requested = request.launchType ?? "EC2"; // ECS's default with no strategy anywhere
        if (requested !== "FARGATE" && requested !== "EC2" && requested !== "EXTERNAL")
            throw invalid(`launchType ${requested} is not one of EC2, FARGATE, EXTERNAL.`);
        launchType = requested;
    }
    const compatibilities = taskDefinition.requiresCompatibilities ?? ["FARGATE"];
    if (launchType === "FARGATE" && !compatibilities.includes("FARGATE")) {
        throw new AwsServiceError("ClientException", "Task definition does not support launch_type FARGATE.");
    }

    const networkMode = taskDefinition.networkMode ?? "awsvpc";
    const awsvpc = request.networkConfiguration?.awsvpcConfiguration;
    let subnets: string[] = [];
    let securityGroups: string[] = [];
    let assignPublicIp: "ENABLED" | "DISABLED" = "DISABLED";
    if (networkMode === "awsvpc") {
        if (!awsvpc) throw invalid("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        subnets = requireArray<string>(awsvpc.subnets, "subnets");
        securityGroups = requireArray<string>(awsvpc.securityGroups, "securityGroups");
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
        assignPublicIp = awsvpc.assignPublicIp ?? "DISABLED";
    } else if (launchType === "FARGATE") {
        throw new AwsServiceError("ClientException", "Fargate only supports network mode 'awsvpc'.");
    }

    const container = taskDefinition.containerDefinitions.find(c => c.essential !== false);
    if (!container) throw new AwsServiceError("ClientException", "The task definition has no essential container.");
    const overrides = (request.overrides ?? {}) as TaskLaunchPlan["overrides"];
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

    const plan: TaskLaunchPlan = {
        cluster,
        taskDefinition,
        container,
        count,
        launchType,
        capacityProviderName,
        platformVersion:
            launchType === "FARGATE"
                ? request.platformVersion && request.platformVersion !== "LATEST"
                    ? request.platformVersion
                    : "1.4.0"
                : undefined,
        group: request.group ?? `family:${taskDefinition.family}`,
        startedBy: checkStartedBy(request.startedBy),
        tags: checkTags(request.tags),
        overrides,
        environmentOverrides,
        subnets,
        securityGroups,
        assignPublicIp,
    };
    // Accepted, but this machine has no EC2 container instances to place it on: ECS answers 200 with a failure.
    if (launchType !== "FARGATE")
        return { kind: "fail", failures: [{ reason: "No Container Instances were found in your cluster." }] };
    return { kind: "launch", plan };
}
