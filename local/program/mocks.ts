// One Pulumi mocks engine for the unit tests and the offline plan: deterministic ids and ARNs
// (account 000000000000), and a record of every resource the program declares with its parent.
import * as pulumi from "@pulumi/pulumi";
import { LOCAL_ACCOUNT } from "../shared/account";
import { resourceState } from "./mock-resource-state";

export interface DeclaredResource {
    urn: string;
    type: string;
    name: string;
    /** URN of the parent resource; undefined for the stack itself. */
    parent?: string;
    /** The URNs the resource was declared under before (its `aliases` option), as the engine matches them. */
    aliases?: string[];
    custom: boolean;
    inputs: Record<string, any>;
    state: Record<string, any>;
}

export interface LocalEngine {
    readonly resources: DeclaredResource[];
}

/** The answers to the provider functions a program calls (region, account, partition, zones). */
function invokeResult(token: string, region: string): Record<string, any> {
    switch (token) {
        case "aws:index/getRegion:getRegion":
            return { name: region, region, id: region, description: region, endpoint: `ec2.${region}.amazonaws.com` };
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
            throw new Error(`local engine: no mock for invoke ${token}`);
    }
}

/**
 * Each resource's constructor captures an unbounded stack trace for its source position, which
 * ts-node's source maps then resolve frame by frame: a fifth of a plan's time, for a position the
 * mocks never read (the Pulumi CLI shows it; nothing here does). `Resource.callsites` is the
 * SDK's one place that takes it; without callsites, the position is left out.
 */
function skipSourcePositions(): void {
    const resource = pulumi.Resource as unknown as { callsites?: () => unknown[] };
    if (typeof resource.callsites === "function") resource.callsites = () => [];
}

/**
 * The SDK also stamps every promise it tracks (several per resource) with a fresh stack trace,
 * which it prints only when a promise leaks at exit. Resolving those stacks through source maps
 * was a tenth of the test suite's CPU. Without frames the leak report still names the promise
 * and its context, just not where it was made. Calls reach the function through the module's
 * exports, so the wrapper is what the SDK calls.
 */
function skipPromiseStacks(): void {
    const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
        debuggablePromise?: ((promise: unknown, context: unknown) => unknown) & { withoutStack?: true };
    };
    const original = debuggable.debuggablePromise;
    if (typeof original !== "function" || original.withoutStack) return;
    const withoutStack = (promise: unknown, context: unknown) => {
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
            return original(promise, context);
        } finally {
            Error.stackTraceLimit = limit;
        }
    };
    debuggable.debuggablePromise = Object.assign(withoutStack, { withoutStack: true as const });
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
    skipSourcePositions();
    skipPromiseStacks();
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
            call: args => invokeResult(args.token, region),
        },
        project,
        stack,
        false,
    );
    recordUrnsAndParents(byName);
    return { resources };
}

/**
 * Fills in each declared resource's URN and parent as the monitor registers it (the mock
 * interface does not report parents; the monitor's request does).
 */
function recordUrnsAndParents(byName: Map<string, DeclaredResource>): void {
    const monitor: any = pulumi.runtime.getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: (err: any, res: any) => void) =>
        register(req, (err: any, res: any) => {
            const record = byName.get(`${req.getType()}::${req.getName()}`);
            if (record && res) {
                record.urn = res.getUrn();
                record.parent = req.getParent() || undefined;
                const aliases = req.getAliasesList().map((alias: any) => aliasUrn(alias, req));
                if (aliases.length > 0) record.aliases = aliases;
            }
            callback(err, res);
        });
}

/**
 * An alias as the URN the engine looks for: a URN as given, or a spec whose missing parts (name,
 * type, stack, project, parent) are the registered resource's. A child's type is qualified by its
 * parent's (`parentType$type`).
 */
function aliasUrn(alias: any, req: any): string {
    if (!alias.hasSpec()) return alias.getUrn();
    const spec = alias.getSpec();
    const parent: string = spec.getNoparent() ? "" : spec.getParenturn() || req.getParent();
    const type: string = spec.getType() || req.getType();
    const qualifiedType = parent ? `${parent.split("::")[2]}$${type}` : type;
    const stack = spec.getStack() || pulumi.getStack();
    const project = spec.getProject() || pulumi.getProject();
    return `urn:pulumi:${stack}::${project}::${qualifiedType}::${spec.getName() || req.getName()}`;
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
