// What a planned stack declares, read into the shapes the local endpoints serve: activities,
// Lambda functions, state machines, ECS clusters and task definitions, DynamoDB tables, and
// EventBridge rules that route ECS task events to a function. Pure: no servers, no processes.
import { DeclaredResource } from "../program/mocks";
import { DeclaredCluster, DeclaredTaskDefinition } from "../ecs/types";
import type { EventRule } from "../events/bus";
import type { DeclaredTable } from "../dynamodb/endpoint";
import type { StateMachineSettings } from "../sfn/engine";
import { capacityProviderStrategy, ecsTags, stateMachineSettings } from "./planned-settings";

export interface DeclaredFunction {
    arn: string;
    name: string;
    /** The Function's `code` input (an AssetArchive under mocks). */
    code: unknown;
    environment: Record<string, string>;
    timeoutSeconds: number;
    handler: string;
    /** Lambda's default 128. */
    memoryMb: number;
    /** Lambda's default x86_64. */
    architecture: "x86_64" | "arm64";
}

export interface DeclaredStateMachine {
    arn: string;
    name: string;
    definition: string;
    roleArn?: string;
    /** Type, logging, tracing and encryption as planned, in the API's shapes. */
    settings: StateMachineSettings;
}

/**
 * A step of the pipeline: the component an activity belongs to (a FargateActivityStep), by its
 * name, with the activity and the task definition declared under it.
 */
export interface DeclaredStep {
    name: string;
    activityArn: string;
    taskDefinitionArn?: string;
}

/** A worker image the program builds: its URI and the Docker build context (which holds worker.js). */
export interface DeclaredImage {
    imageUri: string;
    context: string;
}

export interface DeclaredWorld {
    activityArns: string[];
    /** One per activity, in declaration order. */
    steps: DeclaredStep[];
    functions: DeclaredFunction[];
    stateMachines: DeclaredStateMachine[];
    clusters: DeclaredCluster[];
    taskDefinitions: DeclaredTaskDefinition[];
    /** Images built from a build context (awsx.ecr.Image): how a task definition's image is made. */
    images: DeclaredImage[];
    /** EventBridge rules whose target is one of the stack's functions. */
    eventRules: EventRule[];
    tables: DeclaredTable[];
}

function ofType(resources: DeclaredResource[], type: string): DeclaredResource[] {
    return resources.filter(r => r.type === type);
}

/** Pulumi's task definition volumes in the API's shape (its `hostPath` is the API's `host.sourcePath`). */
function taskVolumes(volumes: unknown): Record<string, unknown>[] | undefined {
    if (!Array.isArray(volumes)) return undefined;
    return volumes.map(({ hostPath, ...rest }) => ({
        ...rest,
        ...(hostPath ? { host: { sourcePath: hostPath } } : {}),
    }));
}

function parseJson(text: unknown, what: string): any {
    if (typeof text !== "string") return text;
    try {
        return JSON.parse(text);
    } catch (err: any) {
        throw new Error(`${what} is not valid JSON: ${err.message}`, { cause: err });
    }
}

/** A table's key schema and TTL attribute from the aws.dynamodb.Table inputs. */
function declaredTable(t: DeclaredResource): DeclaredTable {
    const keyTypes: DeclaredTable["keyTypes"] = {};
    for (const a of t.inputs.attributes ?? []) keyTypes[a.name] = a.type;
    return {
        name: t.state.name,
        arn: t.state.arn,
        hashKey: t.inputs.hashKey,
        rangeKey: t.inputs.rangeKey,
        keyTypes,
        ttlAttribute: t.inputs.ttl?.enabled ? t.inputs.ttl.attributeName : undefined,
    };
}

/**
 * Each activity with the component it is declared under (its step) and that component's task
 * definition; an activity declared at the top is a step of its own name.
 */
function readSteps(resources: DeclaredResource[]): DeclaredStep[] {
    const byUrn = new Map(resources.map(r => [r.urn, r]));
    return ofType(resources, "aws:sfn/activity:Activity").map(activity => {
        const parent = activity.parent ? byUrn.get(activity.parent) : undefined;
        const step = parent && !parent.custom ? parent : undefined;
        const taskDefinition = step
            ? ofType(resources, "aws:ecs/taskDefinition:TaskDefinition").find(t => t.parent === step.urn)
            : undefined;
        return {
            name: step?.name ?? activity.name,
            activityArn: activity.state.arn,
            taskDefinitionArn: taskDefinition?.state.arn,
        };
    });
}

export function readDeclaredWorld(resources: DeclaredResource[]): DeclaredWorld {
    const capacityByCluster = new Map<string, Record<string, any>>();
    for (const c of ofType(resources, "aws:ecs/clusterCapacityProviders:ClusterCapacityProviders"))
        capacityByCluster.set(c.inputs.clusterName, c.inputs);
    const functionArns = new Set(ofType(resources, "aws:lambda/function:Function").map(f => f.state.arn));
    const rulesByName = new Map(
        ofType(resources, "aws:cloudwatch/eventRule:EventRule").map(r => [r.state.name ?? r.inputs.name, r]),
    );
    return {
        activityArns: ofType(resources, "aws:sfn/activity:Activity").map(a => a.state.arn),
        steps: readSteps(resources),
        functions: ofType(resources, "aws:lambda/function:Function").map(f => ({
            arn: f.state.arn,
            name: f.state.name,
            code: f.inputs.code,
            environment: f.inputs.environment?.variables ?? {},
            timeoutSeconds: f.inputs.timeout ?? 3,
            handler: f.inputs.handler ?? "__index.handler",
            memoryMb: f.inputs.memorySize ?? 128,
            architecture: f.inputs.architectures?.[0] === "arm64" ? "arm64" : "x86_64",
        })),
        stateMachines: ofType(resources, "aws:sfn/stateMachine:StateMachine").map(s => ({
            arn: s.state.arn,
            name: s.state.name,
            definition: s.inputs.definition,
            roleArn: s.inputs.roleArn,
            settings: stateMachineSettings(s.inputs),
        })),
        clusters: ofType(resources, "aws:ecs/cluster:Cluster").map(c => {
            const capacity = capacityByCluster.get(c.state.name);
            return {
                arn: c.state.arn,
                name: c.state.name,
                capacityProviders: capacity ? (capacity.capacityProviders ?? []) : undefined,
                defaultCapacityProviderStrategy: capacityProviderStrategy(capacity?.defaultCapacityProviderStrategies),
                tags: ecsTags(c.inputs.tags),
                settings: Array.isArray(c.inputs.settings) ? c.inputs.settings : undefined,
            };
        }),
        taskDefinitions: ofType(resources, "aws:ecs/taskDefinition:TaskDefinition").map(t => ({
            arn: t.state.arn,
            family: t.inputs.family,
            revision: t.state.revision ?? 1,
            containerDefinitions: parseJson(t.inputs.containerDefinitions, `containerDefinitions of ${t.name}`),
            cpu: t.inputs.cpu,
            memory: t.inputs.memory,
            networkMode: t.inputs.networkMode,
            requiresCompatibilities: t.inputs.requiresCompatibilities,
            runtimePlatform: t.inputs.runtimePlatform,
            executionRoleArn: t.inputs.executionRoleArn,
            taskRoleArn: t.inputs.taskRoleArn,
            volumes: taskVolumes(t.inputs.volumes),
            ephemeralStorage: t.inputs.ephemeralStorage
                ? { sizeInGiB: t.inputs.ephemeralStorage.sizeInGib }
                : undefined,
            tags: ecsTags(t.inputs.tags),
        })),
        images: ofType(resources, "awsx:ecr:Image")
            .filter(i => typeof i.state.imageUri === "string" && typeof i.inputs.context === "string")
            .map(i => ({ imageUri: i.state.imageUri, context: i.inputs.context })),
        eventRules: ofType(resources, "aws:cloudwatch/eventTarget:EventTarget")
            .filter(t => functionArns.has(t.inputs.arn) && rulesByName.has(t.inputs.rule))
            .map(t => ({
                ruleName: t.inputs.rule,
                pattern: parseJson(
                    rulesByName.get(t.inputs.rule)!.inputs.eventPattern,
                    `event pattern of ${t.inputs.rule}`,
                ),
                targetArn: t.inputs.arn,
            })),
        tables: ofType(resources, "aws:dynamodb/table:Table").map(declaredTable),
    };
}
