// Where a RunTask request places its tasks: a launch type, or a capacity provider strategy (the
// request's, else the cluster's default) that names the provider and so the launch type, with
// the checks ECS makes on the pair and on the task definition's compatibilities. See
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html.
import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { AwsServiceError } from "../shared/aws-json-server";
import { invalid, requireArray } from "./run-task-fields";
import { CapacityProviderStrategyItem, DeclaredCluster, DeclaredTaskDefinition, TaskLaunchPlan } from "./types";

export interface TaskPlacement {
    launchType: TaskLaunchPlan["launchType"];
    capacityProviderName?: string;
}

const FARGATE_PROVIDERS = new Set(["FARGATE", "FARGATE_SPOT"]);

/** The launch type and provider the request runs on; throws ECS's error for a placement it refuses. */
export function choosePlacement(
    cluster: DeclaredCluster,
    taskDefinition: DeclaredTaskDefinition,
    request: RunTaskCommandInput,
): TaskPlacement {
    const strategy = effectiveStrategy(cluster, request);
    const placement = strategy.length > 0 ? placeByStrategy(cluster, strategy) : placeByLaunchType(request);
    checkCompatibility(taskDefinition, placement.launchType);
    return placement;
}

/** The request's strategy (refused beside a launch type), else the cluster's default; none with a launch type. */
function effectiveStrategy(cluster: DeclaredCluster, request: RunTaskCommandInput): CapacityProviderStrategyItem[] {
    const strategyInput = requireArray<CapacityProviderStrategyItem>(
        request.capacityProviderStrategy,
        "capacityProviderStrategy",
    );
    if (request.launchType && strategyInput.length > 0) {
        throw invalid(
            "Specifying both a launch type and capacity provider strategy is not supported. Remove one and try again.",
        );
    }
    return request.launchType
        ? []
        : strategyInput.length > 0
          ? strategyInput
          : (cluster.defaultCapacityProviderStrategy ?? []);
}

function placeByStrategy(cluster: DeclaredCluster, strategy: CapacityProviderStrategyItem[]): TaskPlacement {
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
    const capacityProviderName = pickProvider(strategy);
    return { launchType: fargate > 0 ? "FARGATE" : "EC2", capacityProviderName };
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

function placeByLaunchType(request: RunTaskCommandInput): TaskPlacement {
    const requested = request.launchType ?? "EC2"; // ECS's default with no strategy anywhere
    if (requested !== "FARGATE" && requested !== "EC2" && requested !== "EXTERNAL")
        throw invalid(`launchType ${requested} is not one of EC2, FARGATE, EXTERNAL.`);
    return { launchType: requested, capacityProviderName: undefined };
}

function checkCompatibility(taskDefinition: DeclaredTaskDefinition, launchType: TaskPlacement["launchType"]): void {
    const compatibilities = taskDefinition.requiresCompatibilities ?? ["FARGATE"];
    if (launchType === "FARGATE" && !compatibilities.includes("FARGATE")) {
        throw new AwsServiceError("ClientException", "Task definition does not support launch_type FARGATE.");
    }
}
