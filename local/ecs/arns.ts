// ECS identifiers: task ids and ARNs, and resolving what a request names (ARN, name, family...).
import * as crypto from "crypto";
import { DeclaredCluster, DeclaredTaskDefinition, EcsWorld } from "./types";

/** A new task id: 32 lowercase hex digits, as Fargate task ids are. */
export function newTaskId(): string {
    return crypto.randomBytes(16).toString("hex");
}

/** `arn:aws:ecs:<region>:<account>:task/<cluster name>/<id>` (the long ARN format). */
export function taskArn(world: Pick<EcsWorld, "region" | "account">, clusterName: string, taskId: string): string {
    return `arn:aws:ecs:${world.region}:${world.account}:task/${clusterName}/${taskId}`;
}

export function containerArn(world: Pick<EcsWorld, "region" | "account">, clusterName: string, taskId: string): string {
    return `arn:aws:ecs:${world.region}:${world.account}:container/${clusterName}/${taskId}/${crypto.randomUUID()}`;
}

/** The id at the end of a task ARN; a bare id is returned as is. */
export function taskIdOf(taskOrArn: string): string {
    return taskOrArn.slice(taskOrArn.lastIndexOf("/") + 1);
}

/** A cluster by name or ARN; ECS's default cluster is "default". */
export function findCluster(world: EcsWorld, nameOrArn: string | undefined): DeclaredCluster | undefined {
    const wanted = nameOrArn || "default";
    return world.clusters.find(c => c.arn === wanted || c.name === wanted);
}

/**
 * A task definition by full ARN, ARN without revision, `family:revision` or `family` (then the
 * latest revision), as RunTask accepts.
 */
export function findTaskDefinition(world: EcsWorld, ref: string): DeclaredTaskDefinition | undefined {
    const arnMatch = /^arn:aws[\w-]*:ecs:([^:]+):(\d+):task-definition\/(.+)$/.exec(ref);
    if (arnMatch && (arnMatch[1] !== world.region || arnMatch[2] !== world.account)) return undefined;
    const familyRef = arnMatch ? arnMatch[3] : ref;
    const [family, revisionText, extra] = familyRef.split(":");
    if (extra !== undefined) return undefined;
    const candidates = world.taskDefinitions.filter(td => td.family === family);
    if (revisionText === undefined) return candidates.sort((a, b) => b.revision - a.revision)[0];
    if (!/^\d+$/.test(revisionText)) return undefined;
    return candidates.find(td => td.revision === Number(revisionText));
}
