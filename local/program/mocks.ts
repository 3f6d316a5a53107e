// One Pulumi mocks engine for the unit tests and the offline plan: deterministic ids and ARNs
// (account 000000000000), and a record of every resource the program declares with its parent.
import * as crypto from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { LOCAL_ACCOUNT } from "../shared/account";

export interface DeclaredResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent resource; undefined for the stack itself. */
    parent?: string;
    custom: boolean;
    inputs: Record<string, any>;
    state: Record<string, any>;
}

function shortHash(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, 7);
}

/** The physical name AWS would show: the given `name`, else the logical name with a stable suffix. */
function physicalName(args: pulumi.runtime.MockResourceArgs): string {
    return args.inputs.name ?? `${args.name}-${shortHash(args.type + "/" + args.name)}`;
}

function resourceState(
    args: pulumi.runtime.MockResourceArgs,
    region: string,
): { id: string; state: Record<string, any> } {
    const name = physicalName(args);
    const arn = (service: string, resource: string) => `arn:aws:${service}:${region}:${LOCAL_ACCOUNT}:${resource}`;
    switch (args.type) {
        case "aws:sfn/activity:Activity": {
            const a = arn("states", `activity:${name}`);
            return { id: a, state: { name, arn: a } };
        }
        case "aws:sfn/stateMachine:StateMachine": {
            const a = arn("states", `stateMachine:${name}`);
            return { id: a, state: { name, arn: a } };
        }
        case "aws:lambda/function:Function": {
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
        case "aws:ecs/cluster:Cluster":
            return { id: arn("ecs", `cluster/${name}`), state: { name, arn: arn("ecs", `cluster/${name}`) } };
        case "aws:ecs/taskDefinition:TaskDefinition": {
            const a = arn("ecs", `task-definition/${args.inputs.family}:1`);
            return {
                id: args.inputs.family,
                state: { arn: a, arnWithoutRevision: arn("ecs", `task-definition/${args.inputs.family}`), revision: 1 },
            };
        }
        case "aws:iam/role:Role":
            return {
                id: name,
                state: {
                    name,
                    arn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/${name}`,
                    uniqueId: `AROA${shortHash(name).toUpperCase()}`,
                },
            };
        case "aws:iam/policy:Policy":
            return {
                id: `arn:aws:iam::${LOCAL_ACCOUNT}:policy/${name}`,
                state: { name, arn: `arn:aws:iam::${LOCAL_ACCOUNT}:policy/${name}` },
            };
        case "aws:cloudwatch/logGroup:LogGroup":
            return { id: name, state: { name, arn: arn("logs", `log-group:${name}`) } };
        case "aws:ecr/repository:Repository":
            return {
                id: name,
                state: {
                    name,
                    arn: arn("ecr", `repository/${name}`),
                    repositoryUrl: `${LOCAL_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/${name}`,
                    registryId: LOCAL_ACCOUNT,
                },
            };
        case "aws:sns/topic:Topic":
            return { id: arn("sns", name), state: { name, arn: arn("sns", name) } };
        case "aws:cloudwatch/eventRule:EventRule":
            return { id: name, state: { name, arn: arn("events", `rule/${name}`) } };
        case "awsx:ecr:Image":
            return {
                id: `${name}-image`,
                state: {
                    imageUri: `${LOCAL_ACCOUNT}.dkr.ecr.${region}.amazonaws.com/worker@sha256:${shortHash(name).padEnd(64, "0")}`,
                },
            };
        default: {
            const id = args.custom
                ? `${args.type.split(":").pop()!.toLowerCase()}-${shortHash(args.type + "/" + args.name)}`
                : "";
            return { id, state: { ...(args.custom ? { arn: arn(args.type.split(":")[0], id) } : {}) } };
        }
    }
}

export interface LocalEngine {
    readonly resources: DeclaredResource[];
}

/**
 * Installs the mocks (global: `setMocks` replaces any earlier ones) and the stack's config.
 * Import the program only after this returns.
 */
export async function installMocks(
    project: string,
    stack: string,
    config: Record<string, string>,
): Promise<LocalEngine> {
    const region = config["aws:region"] ?? "us-east-1";
    const resources: DeclaredResource[] = [];
    const byName = new Map<string, DeclaredResource>();
    pulumi.runtime.setAllConfig(config);
    await pulumi.runtime.setMocks(
        {
            newResource(args) {
                const { id, state } = resourceState(args, region);
                const record: DeclaredResource = {
                    urn: "",
                    type: args.type,
                    name: args.name,
                    custom: !!args.custom,
                    inputs: args.inputs,
                    state,
                };
                resources.push(record);
                byName.set(`${args.type}::${args.name}`, record);
                return { id, state: { ...args.inputs, ...state } };
            },
            call(args) {
                switch (args.token) {
                    case "aws:index/getRegion:getRegion":
                        return {
                            name: region,
                            region,
                            id: region,
                            description: region,
                            endpoint: `ec2.${region}.amazonaws.com`,
                        };
                    case "aws:index/getCallerIdentity:getCallerIdentity":
                        return {
                            accountId: LOCAL_ACCOUNT,
                            arn: `arn:aws:iam::${LOCAL_ACCOUNT}:user/local`,
                            userId: "LOCAL",
                            id: LOCAL_ACCOUNT,
                        };
                    case "aws:index/getPartition:getPartition":
                        return { partition: "aws", dnsSuffix: "amazonaws.com", id: "aws" };
                    case "aws:index/getAvailabilityZones:getAvailabilityZones":
                        return {
                            names: ["a", "b", "c"].map(z => region + z),
                            zoneIds: ["az1", "az2", "az3"].map(z => `use1-${z}`),
                            id: region,
                        };
                    default:
                        throw new Error(`local engine: no mock for invoke ${args.token}`);
                }
            },
        },
        project,
        stack,
        false,
    );
    // The mock interface does not report parents; the monitor's request does.
    const monitor: any = pulumi.runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
        register(req, (err: any, res: any) => {
            const record = byName.get(`${req.getType()}::${req.getName()}`);
            if (record && res) {
                record.urn = res.getUrn();
                record.parent = req.getParent() || undefined;
            }
            callback(err, res);
        });
    return { resources };
}

/** Resolves a Pulumi output in a test or tool (never `Output.promise()`, which is internal). */
export function unwrap<T>(output: pulumi.Input<T>): Promise<pulumi.Unwrap<T>> {
    return new Promise(resolve => pulumi.output(output).apply(value => resolve(value as pulumi.Unwrap<T>)));
}

/** Resolves once the program has no registration or output left in flight. */
export async function settled(): Promise<void> {
    // `waitForRPCs` is the SDK's own drain of its RPC queue (what `disconnect` awaits).
    const settings = require("@pulumi/pulumi/runtime/settings");
    await settings.waitForRPCs();
}
