// The ECS API operations the local endpoint answers, on the AWS JSON 1.1 wire: RunTask,
// DescribeTasks, StopTask, ListTasks and TagResource (and the read operations of
// ./read-operations.ts). Each checks its request as ECS does and reads
// or changes the task table; starting and stopping containers is the task life cycle's.
import type {
    DescribeTasksCommandInput,
    ListTasksCommandInput,
    RunTaskCommandInput,
    StopTaskCommandInput,
} from "@aws-sdk/client-ecs";
import { AwsServiceError, OperationHandler } from "../shared/aws-json-server";
import { encodePageToken, pagePosition } from "../shared/paging";
import { findCluster } from "./arns";
import { createEcsReadOperations } from "./read-operations";
import { planRunTask } from "./run-task-request";
import { toWireTask } from "./task-record";
import { checkTagList, mergeTags } from "./tag-rules";
import { TaskLifecycle } from "./task-lifecycle";
import { TaskEntry, TaskTable } from "./task-table";
import { InjectedFailures } from "./test-hooks";
import { DeclaredCluster, EcsWorld } from "./types";

export interface EcsOperationsContext {
    world: EcsWorld;
    tasks: TaskTable;
    lifecycle: TaskLifecycle;
    failures: InjectedFailures;
}

function invalidParameter(message: string): AwsServiceError {
    return new AwsServiceError("InvalidParameterException", message);
}

function pad(list: unknown): unknown[] {
    return Array.isArray(list) ? list : [];
}

/** RunTask's answers by clientToken: an SDK retry of the same call gets the first answer. */
type ClientTokenAnswers = Map<string, unknown>;

/**
 * Tokens remembered: the SDK sends a fresh clientToken with every RunTask (an idempotency token),
 * so a long session must forget old ones; a retry comes within seconds of its first call.
 */
const REMEMBERED_CLIENT_TOKENS = 1000;

function requireCluster(world: EcsWorld, ref: string | undefined): DeclaredCluster {
    const cluster = findCluster(world, ref);
    if (!cluster) throw new AwsServiceError("ClusterNotFoundException", "Cluster not found.");
    return cluster;
}

/** A task by ARN or id, in the given cluster; an ARN must be the task's own. */
function findTask(tasks: TaskTable, clusterArn: string | undefined, ref: unknown): TaskEntry | undefined {
    if (typeof ref !== "string") return undefined;
    const entry = tasks.byReference(ref);
    if (!entry) return undefined;
    if (ref.startsWith("arn:") && ref !== entry.record.taskArn) return undefined;
    return clusterArn === undefined || entry.record.clusterArn === clusterArn ? entry : undefined;
}

function runTask(
    context: EcsOperationsContext,
    clientTokens: ClientTokenAnswers,
    request: RunTaskCommandInput,
): unknown {
    const { world, lifecycle, failures } = context;
    if (lifecycle.isClosed)
        throw new AwsServiceError("ServerException", "The local ECS endpoint is shutting down.", 500);
    const decision = planRunTask(world, request);
    const token = typeof request.clientToken === "string" ? request.clientToken : undefined;
    if (token && clientTokens.has(token)) return clientTokens.get(token); // an SDK retry of the same call
    let answer: unknown;
    const capacity = decision.kind === "launch" ? failures.runTaskFailures.shift() : undefined;
    if (decision.kind === "fail") {
        answer = { tasks: [], failures: decision.failures };
    } else if (capacity) {
        answer = { tasks: [], failures: [{ reason: capacity.reason, detail: capacity.detail }] };
    } else {
        const created = lifecycle.launch(decision.plan);
        answer = {
            tasks: created.map(record => toWireTask(record, { includeTags: record.tags.length > 0 })),
            failures: [],
        };
    }
    if (token) clientTokens.set(token, answer);
    if (clientTokens.size > REMEMBERED_CLIENT_TOKENS) clientTokens.delete(clientTokens.keys().next().value!);
    return answer;
}

function describeTasks(context: EcsOperationsContext, request: DescribeTasksCommandInput): unknown {
    const cluster = requireCluster(context.world, request.cluster);
    const refs = pad(request.tasks);
    if (refs.length === 0) throw new AwsServiceError("InvalidParameterException", "Tasks cannot be empty.");
    if (refs.length > 100) throw new AwsServiceError("InvalidParameterException", "Tasks can have at most 100 items.");
    const includeTags = pad(request.include).includes("TAGS");
    const found: unknown[] = [];
    const missing: unknown[] = [];
    for (const ref of refs) {
        const entry = findTask(context.tasks, cluster.arn, ref);
        if (entry) found.push(toWireTask(entry.record, { includeTags }));
        else missing.push({ arn: String(ref), reason: "MISSING" });
    }
    return { tasks: found, failures: missing };
}

function stopTask(context: EcsOperationsContext, request: StopTaskCommandInput): unknown {
    const { world, tasks, lifecycle } = context;
    const cluster = requireCluster(world, request.cluster);
    if (typeof request.task !== "string" || request.task === "")
        throw new AwsServiceError("InvalidParameterException", "Task can not be blank.");
    const entry = findTask(tasks, cluster.arn, request.task);
    if (!entry) throw new AwsServiceError("InvalidParameterException", "The referenced task was not found.");
    tasks.apply(entry.record.taskId, { type: "stopRequested", reason: request.reason });
    lifecycle.signalStop(entry);
    return { task: toWireTask(entry.record) };
}

/** Tags a task (the worker marks the activity task it took). */
function tagResource(context: EcsOperationsContext, request: { resourceArn?: unknown; tags?: unknown }): unknown {
    if (typeof request.resourceArn !== "string")
        throw new AwsServiceError("InvalidParameterException", "resourceArn is required.");
    const entry = context.tasks.byReference(request.resourceArn);
    if (!entry || entry.record.taskArn !== request.resourceArn)
        throw new AwsServiceError(
            "ResourceNotFoundException",
            `The specified resource ${request.resourceArn} could not be found.`,
        );
    const tags = pad(request.tags);
    if (tags.length === 0) throw invalidParameter("tags must hold 1 or more {key, value} pairs.");
    entry.record = { ...entry.record, tags: mergeTags(entry.record.tags, checkTagList(tags)) };
    return {};
}

function listTasks(context: EcsOperationsContext, request: ListTasksCommandInput): unknown {
    const cluster = requireCluster(context.world, request.cluster);
    const desired = request.desiredStatus ?? "RUNNING";
    const maxResults = request.maxResults ?? 100;
    if (!Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
        throw new AwsServiceError("InvalidParameterException", "maxResults must be between 1 and 100.");
    const list = {
        kind: "ecs-tasks",
        key: [cluster.arn, desired, request.family, request.startedBy, request.launchType].join("|"),
    };
    // ECS's own page-size rule and wording above; only the token scheme is shared.
    const offset =
        pagePosition(request.nextToken || undefined, list, () => invalidParameter("Invalid nextToken.")) ?? 0;
    const arns = context.tasks
        .all()
        .map(e => e.record)
        .filter(t => t.clusterArn === cluster.arn && t.desiredStatus === desired)
        .filter(t => !request.family || t.taskDefinitionArn.includes(`:task-definition/${request.family}:`))
        .filter(t => !request.startedBy || t.startedBy === request.startedBy)
        .filter(t => !request.launchType || t.launchType === request.launchType)
        .map(t => t.taskArn);
    const page = arns.slice(offset, offset + maxResults);
    const nextToken = offset + maxResults < arns.length ? encodePageToken(list, offset + maxResults) : undefined;
    return { taskArns: page, nextToken };
}

/** The handlers by operation name, for startAwsJsonServer. */
export function createEcsOperations(context: EcsOperationsContext): Record<string, OperationHandler> {
    const clientTokens: ClientTokenAnswers = new Map();
    return {
        RunTask: body => runTask(context, clientTokens, body),
        DescribeTasks: body => describeTasks(context, body),
        StopTask: body => stopTask(context, body),
        ListTasks: body => listTasks(context, body),
        TagResource: body => tagResource(context, body),
        ...createEcsReadOperations(context),
    };
}
