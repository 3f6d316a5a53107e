// The ECS read operations scripts call about the planned resources: ListClusters,
// DescribeClusters, ListTaskDefinitions and DescribeTaskDefinition, on the AWS JSON 1.1 wire.
// Everything they report is what the plan declares (the clusters and task definitions a
// deployment would register), plus the live task counts of each cluster. Shapes and errors:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeClusters.html,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListTaskDefinitions.html,
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DescribeTaskDefinition.html.
import { AwsServiceError, OperationHandler } from "../shared/aws-json-server";
import { encodePageToken, pagePosition } from "../shared/paging";
import { findCluster, findTaskDefinition } from "./arns";
import { TaskTable } from "./task-table";
import { DeclaredCluster, DeclaredTaskDefinition, EcsWorld } from "./types";

export interface EcsReadContext {
    world: EcsWorld;
    tasks: TaskTable;
}

const CLUSTER_FIELDS = ["ATTACHMENTS", "CONFIGURATIONS", "SETTINGS", "STATISTICS", "TAGS"];
const TASK_DEFINITION_STATUSES = ["ACTIVE", "INACTIVE", "DELETE_IN_PROGRESS"];

function invalidParameter(message: string): AwsServiceError {
    return new AwsServiceError("InvalidParameterException", message);
}

function listOf(value: unknown, field: string): unknown[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new AwsServiceError("SerializationException", `${field} must be a list`);
    return value;
}

/** maxResults of the List operations: 1-100, default 100. */
function pageLimit(maxResults: unknown): number {
    if (maxResults === undefined || maxResults === null) return 100;
    if (!Number.isInteger(maxResults) || (maxResults as number) < 1 || (maxResults as number) > 100)
        throw invalidParameter("maxResults must be between 1 and 100.");
    return maxResults as number;
}

/** One page of `items` for a List operation; the token is bound to the list and its filters. */
function page<T>(
    items: T[],
    list: { kind: string; key: string },
    request: { nextToken?: unknown; maxResults?: unknown },
) {
    const limit = pageLimit(request.maxResults);
    const offset =
        pagePosition(request.nextToken || undefined, list, () => invalidParameter("Invalid nextToken.")) ?? 0;
    const nextToken = offset + limit < items.length ? encodePageToken(list, offset + limit) : undefined;
    return { items: items.slice(offset, offset + limit), nextToken };
}

function listClusters(context: EcsReadContext, request: any): unknown {
    const { items, nextToken } = page(
        context.world.clusters.map(c => c.arn),
        { kind: "ecs-clusters", key: "" },
        request,
    );
    return { clusterArns: items, nextToken };
}

/** A cluster as DescribeClusters reports it: the plan's settings and the live task counts. */
function clusterView(context: EcsReadContext, cluster: DeclaredCluster, include: unknown[]): Record<string, unknown> {
    const tasks = context.tasks.all().filter(e => e.record.clusterArn === cluster.arn);
    const count = (status: string) => tasks.filter(e => e.record.lastStatus === status).length;
    return {
        clusterArn: cluster.arn,
        clusterName: cluster.name,
        status: "ACTIVE",
        registeredContainerInstancesCount: 0,
        runningTasksCount: count("RUNNING"),
        pendingTasksCount: count("PENDING"),
        activeServicesCount: 0,
        // Per-launch-type counts (STATISTICS) are not emulated: always the empty list.
        statistics: [],
        tags: include.includes("TAGS") ? (cluster.tags ?? []) : [],
        settings: include.includes("SETTINGS") ? (cluster.settings ?? []) : [],
        capacityProviders: cluster.capacityProviders ?? [],
        defaultCapacityProviderStrategy: cluster.defaultCapacityProviderStrategy ?? [],
        ...(include.includes("ATTACHMENTS") ? { attachments: [] } : {}),
    };
}

/** An unknown cluster is a failure entry, not an error (ECS's "MISSING"). */
function describeClusters(context: EcsReadContext, request: any): unknown {
    const refs = listOf(request.clusters, "clusters");
    if (refs.length > 100) throw invalidParameter("clusters can have at most 100 items.");
    const include = listOf(request.include, "include");
    const unknownField = include.find(f => !CLUSTER_FIELDS.includes(f as string));
    if (unknownField !== undefined)
        throw invalidParameter(`include must hold only ${CLUSTER_FIELDS.join(", ")}; got ${String(unknownField)}.`);
    const { world } = context;
    const clusters: unknown[] = [];
    const failures: unknown[] = [];
    for (const ref of refs.length > 0 ? refs : ["default"]) {
        const cluster = typeof ref === "string" ? findCluster(world, ref) : undefined;
        if (cluster) clusters.push(clusterView(context, cluster, include));
        else {
            const text = String(ref);
            const arn = text.startsWith("arn:") ? text : `arn:aws:ecs:${world.region}:${world.account}:cluster/${text}`;
            failures.push({ arn, reason: "MISSING" });
        }
    }
    return { clusters, failures };
}

function listTaskDefinitions(context: EcsReadContext, request: any): unknown {
    const status = request.status ?? "ACTIVE";
    if (!TASK_DEFINITION_STATUSES.includes(status))
        throw invalidParameter(`status must be one of ${TASK_DEFINITION_STATUSES.join(", ")}.`);
    const sort = request.sort ?? "ASC";
    if (sort !== "ASC" && sort !== "DESC") throw invalidParameter("sort must be ASC or DESC.");
    // Every planned revision is ACTIVE (nothing is deregistered locally). familyPrefix is the whole family name.
    const arns = context.world.taskDefinitions
        .filter(td => status === "ACTIVE" && (!request.familyPrefix || td.family === request.familyPrefix))
        .sort((a, b) => a.family.localeCompare(b.family) || a.revision - b.revision)
        .map(td => td.arn);
    if (sort === "DESC") arns.reverse();
    const key = [request.familyPrefix ?? "", status, sort].join("|");
    const { items, nextToken } = page(arns, { kind: "ecs-task-definitions", key }, request);
    return { taskDefinitionArns: items, nextToken };
}

/**
 * The launch types ECS validated the definition against: EC2 always, FARGATE for an awsvpc
 * definition with task-level cpu and memory, and whatever it requires (EXTERNAL).
 */
function compatibilities(td: DeclaredTaskDefinition): string[] {
    const found = new Set(["EC2", ...(td.requiresCompatibilities ?? ["FARGATE"])]);
    if ((td.networkMode ?? "awsvpc") === "awsvpc" && td.cpu && td.memory) found.add("FARGATE");
    return ["EC2", "FARGATE", "EXTERNAL", "MANAGED_INSTANCES"].filter(c => found.has(c));
}

/**
 * A task definition as registered. Left out: `requiresAttributes` (ECS derives them from the
 * container definitions; the local runtime does not) and `registeredBy` (no IAM principal
 * registered it here).
 */
function taskDefinitionView(td: DeclaredTaskDefinition, registeredAt: number): Record<string, unknown> {
    return {
        taskDefinitionArn: td.arn,
        containerDefinitions: td.containerDefinitions.map(c => ({
            environment: [],
            mountPoints: [],
            portMappings: [],
            volumesFrom: [],
            ...c,
        })),
        family: td.family,
        taskRoleArn: td.taskRoleArn,
        executionRoleArn: td.executionRoleArn,
        networkMode: td.networkMode ?? "awsvpc",
        revision: td.revision,
        volumes: td.volumes ?? [],
        status: "ACTIVE",
        placementConstraints: [],
        compatibilities: compatibilities(td),
        runtimePlatform: td.runtimePlatform,
        requiresCompatibilities: td.requiresCompatibilities ?? ["FARGATE"],
        cpu: td.cpu,
        memory: td.memory,
        ephemeralStorage: td.ephemeralStorage,
        registeredAt: registeredAt / 1000,
    };
}

function describeTaskDefinition(context: EcsReadContext, registeredAt: number, request: any): unknown {
    const include = listOf(request.include, "include");
    if (include.some(f => f !== "TAGS")) throw invalidParameter("include must hold only TAGS.");
    const td =
        typeof request.taskDefinition === "string" && request.taskDefinition !== ""
            ? findTaskDefinition(context.world, request.taskDefinition)
            : undefined;
    if (!td) throw new AwsServiceError("ClientException", "Unable to describe task definition.");
    return {
        taskDefinition: taskDefinitionView(td, registeredAt),
        ...(include.includes("TAGS") ? { tags: td.tags ?? [] } : {}),
    };
}

/** The handlers by operation name; the task definitions count as registered now. */
export function createEcsReadOperations(context: EcsReadContext): Record<string, OperationHandler> {
    const registeredAt = Date.now();
    return {
        ListClusters: body => listClusters(context, body),
        DescribeClusters: body => describeClusters(context, body),
        ListTaskDefinitions: body => listTaskDefinitions(context, body),
        DescribeTaskDefinition: body => describeTaskDefinition(context, registeredAt, body),
    };
}
