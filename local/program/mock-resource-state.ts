// The id and output state the Pulumi mocks give each resource: deterministic names and ARNs in
// the local account, by resource type, so the offline plan and the tests see what AWS would show.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { LOCAL_ACCOUNT } from "../shared/account";

export interface MockedResource {
    id: string;
    state: Record<string, any>;
}

/** What every per-type rule gets: the mock's arguments, the region, the physical name and an ARN maker. */
interface ResourceNaming {
    args: pulumi.runtime.MockResourceArgs;
    region: string;
    name: string;
    arn: (service: string, resource: string) => string;
}

function shortHash(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, 7);
}

/** The physical name AWS would show: the given `name`, else the logical name with a stable suffix. */
function physicalName(args: pulumi.runtime.MockResourceArgs): string {
    return args.inputs.name ?? `${args.name}-${shortHash(args.type + "/" + args.name)}`;
}

function lambdaFunction({ name, region, arn }: ResourceNaming): MockedResource {
    const a = arn("lambda", `function:${name}`);
    return {
        id: name,
        state: {
            name,
            arn: a,
            invokeArn: `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${a}/invocations`,
            qualifiedArn: `${a}:$LATEST`,
            version: "$LATEST",
        },
    };
}

function taskDefinition({ args, arn }: ResourceNaming): MockedResource {
    const a = arn("ecs", `task-definition/${args.inputs.family}:1`);
    return {
        id: args.inputs.family,
        state: { arn: a, arnWithoutRevision: arn("ecs", `task-definition/${args.inputs.family}`), revision: 1 },
    };
}

function iamRole({ name }: ResourceNaming): MockedResource {
    return {
        id: name,
        state: {
            name,
            arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`,
            uniqueId: `AROA${shortHash(name).toUpperCase()}`,
        },
    };
}

function ecrRepository({ name, region, arn }: ResourceNaming): MockedResource {
    return {
        id: name,
        state: {
            name,
            arn: arn("ecr", `repository/${name}`),
            repositoryUrl: `${LOCAL_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${name}`,
            registryId: LOCAL_ACCOUNT,
        },
    };
}

/**
 * What `awsx.ecr.Image` reports: the pushed image by repository, tag and a digest unique to the
 * resource, so each image's URI differs. The local runtime finds a task's worker by this URI: the
 * image whose `imageUri` a task definition names is built from its `context` folder's worker.js.
 */
function workerImage({ args, name, region }: ResourceNaming): MockedResource {
    const repositoryUrl = args.inputs.repositoryUrl ?? `${LOCAL_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/worker`;
    const tag = args.inputs.imageTag ? `:${args.inputs.imageTag}` : "";
    const digest = crypto.createHash("sha256").update(`${args.type}/${args.name}`).digest("hex");
    return { id: `${name}-image`, state: { imageUri: `${repositoryUrl}${tag}@sha256:${digest}` } };
}

/** Any type without a rule: a custom resource gets a hashed id and an ARN of it; a component gets neither. */
function otherResource({ args, arn }: ResourceNaming): MockedResource {
    const id = args.custom
        ? `${args.type.split(":").pop()!.toLowerCase()}-${shortHash(args.type + "/" + args.name)}`
        : "";
    return { id, state: { ...(args.custom ? { arn: arn(args.type.split(":")[0], id) } : {}) } };
}

const RESOURCE_STATES: Record<string, (naming: ResourceNaming) => MockedResource> = {
    "aws:sfn/activity:Activity": ({ name, arn }) => {
        const a = arn("states", `activity:${name}`);
        return { id: a, state: { name, arn: a } };
    },
    "aws:sfn/stateMachine:StateMachine": ({ name, arn }) => {
        const a = arn("states", `stateMachine:${name}`);
        return { id: a, state: { name, arn: a } };
    },
    "aws:lambda/function:Function": lambdaFunction,
    "aws:ecs/cluster:Cluster": ({ name, arn }) => ({
        id: arn("ecs", `cluster/${name}`),
        state: { name, arn: arn("ecs", `cluster/${name}`) },
    }),
    "aws:ecs/taskDefinition:TaskDefinition": taskDefinition,
    "aws:iam/role:Role": iamRole,
    "aws:iam/policy:Policy": ({ name }) => ({
        id: `arn:aws:iam::${LOCAL_ACCOUNT}:policy/${name}`,
        state: { name, arn: `arn:aws:iam::${LOCAL_ACCOUNT}:policy/${name}` },
    }),
    "aws:cloudwatch/logGroup:LogGroup": ({ name, arn }) => ({
        id: name,
        state: { name, arn: arn("logs", `log-group:${name}`) },
    }),
    "aws:ecr/repository:Repository": ecrRepository,
    "aws:sns/topic:Topic": ({ name, arn }) => ({ id: arn("sns", name), state: { name, arn: arn("sns", name) } }),
    "aws:dynamodb/table:Table": ({ name, arn }) => ({
        id: name,
        state: { name, arn: arn("dynamodb", `table/${name}`) },
    }),
    "aws:cloudwatch/eventRule:EventRule": ({ name, arn }) => ({
        id: name,
        state: { name, arn: arn("events", `rule/${name}`) },
    }),
    "awsx:ecr:Image": workerImage,
};

/** The id and state the mocks answer for a new resource in `region`. */
export function resourceState(args: pulumi.runtime.MockResourceArgs, region: string): MockedResource {
    const name = physicalName(args);
    const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;
    const stateOf = Object.hasOwn(RESOURCE_STATES, args.type) ? RESOURCE_STATES[args.type] : otherResource;
    return stateOf({ args, region, name, arn });
}
