// The offline plan: evaluates a Pulumi program under the local mocks engine (no CLI, no AWS) and
// collects what it declares. `setMocks` is global, so evaluate one project per process.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { archiveEntries, isArchive, isAsset } from "./lambda-archive";
import { DeclaredResource, installMocks, unwrap } from "./mocks";
import { loadProjectConfig } from "./stack-config";

/** A missing project or stack: the caller's mistake, not the program's (the CLI exits 2). */
export class PlanUsageError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "PlanUsageError";
    }
}

export interface ProjectPlan {
    project: string;
    stack: string;
    /** In declaration order; `inputs` as the mocks received them (assets may hold promises). */
    resources: DeclaredResource[];
    /** The program's exports, unwrapped and made plain (see `toPlain`). */
    outputs: Record<string, unknown>;
    /** The config it ran with (`namespace:key` → value), overrides included. */
    config: Record<string, string>;
}

export interface EvaluateOptions {
    /** Config values over the stack's (`namespace:key` → value), e.g. short clocks for tests. */
    /** `namespace:key` → value; a key without a namespace is the project's. */
    configOverrides?: Record<string, string>;
    /** Upper bound for the program to settle. Default 60 s. */
    timeoutMs?: number;
}

const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

function ensureTypeScript(projectDir: string): void {
    // Already registered when we run under ts-node or mocha's ts-node hook: registering twice compiles twice.
    if ((process as any)[Symbol.for("ts-node.register.instance")]) return;
    require("ts-node").register({
        transpileOnly: true,
        projectSearchDir: projectDir,
        compilerOptions: { module: "commonjs" },
    });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout;
    return Promise.race([
        promise,
        new Promise<T>(
            (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms)),
        ),
    ]).finally(() => clearTimeout(timer));
}

/**
 * Waits until the program has stopped declaring resources. Pulumi's own shutdown path
 * (`waitForRPCs`, internal but exported) drains the registrations in flight; a resource declared
 * inside an `apply` runs after the RPC that resolved it, so we also let timers run and require
 * the count of resources, all with URNs, to hold still twice in a row.
 */
async function settle(resources: DeclaredResource[], deadline: number): Promise<void> {
    const waitForRPCs = (pulumi.runtime as any).waitForRPCs as (() => Promise<void>) | undefined;
    let last = -1;
    let stableRounds = 0;
    while (Date.now() < deadline) {
        if (waitForRPCs) await withTimeout(waitForRPCs(), Math.max(1, deadline - Date.now()), "resource registration");
        await new Promise(resolve => setTimeout(resolve, 10));
        const registered = resources.every(r => r.urn !== "");
        if (registered && resources.length === last) {
            if (++stableRounds >= 2) return;
        } else {
            stableRounds = 0;
            last = resources.length;
        }
    }
    const pending = resources.filter(r => r.urn === "").map(r => `${r.type} ${r.name}`);
    throw new Error(
        `the program did not settle in time${pending.length ? `; not registered: ${pending.join(", ")}` : ""}`,
    );
}

/**
 * Makes a value JSON-ready: awaits promises and outputs, shows resources by URN, an archive as
 * `{ <file>: <text> | { directory | file | remote } }` (so Lambda code reads as its `__index.js`).
 */
export async function toPlain(value: unknown, depth = 0): Promise<unknown> {
    if (depth > 40) return "[too deep]";
    if (value === null || value === undefined || typeof value !== "object")
        return typeof value === "function" ? `[function ${(value as (...args: unknown[]) => unknown).name}]` : value;
    if (typeof (value as any).then === "function") return toPlain(await (value as Promise<unknown>), depth + 1);
    if (pulumi.Output.isInstance(value)) return toPlain(await unwrap(value), depth + 1);
    if (pulumi.Resource.isInstance(value)) return { resource: await unwrap(value.urn) };
    if (isArchive(value)) {
        const files: Record<string, unknown> = {};
        for (const entry of await archiveEntries(value)) {
            files[entry.name] =
                entry.kind === "text"
                    ? entry.text
                    : entry.kind === "remote"
                      ? { remote: entry.uri }
                      : { [entry.kind]: entry.path };
        }
        return files;
    }
    if (isAsset(value)) {
        const asset = value as any;
        const text = await asset.text;
        if (typeof text === "string") return text;
        return (await asset.path) !== undefined ? { file: await asset.path } : { remote: await asset.uri };
    }
    if ((value as any)["4dabf18193072939515e22adb298388d"] === SECRET_SIG)
        return toPlain((value as any).value, depth + 1);
    if (Array.isArray(value)) return Promise.all(value.map(item => toPlain(item, depth + 1)));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = await toPlain(item, depth + 1);
    return out;
}

/**
 * Pulumi rebuilds a failed invoke's error as `new Error(err.details)`, a gRPC field a mock's error
 * lacks, so "no mock for invoke …" would reach the user as an empty Error: copy the message there.
 */
function keepInvokeErrorMessages(): void {
    const monitor: any = pulumi.runtime.getMonitor();
    if (!monitor || monitor.__planKeepsInvokeErrors) return;
    const invoke = monitor.invoke.bind(monitor);
    monitor.invoke = (req: any, callback: (err: any, res: any) => void) =>
        invoke(req, (err: any, res: any) => {
            if (err && err.details === undefined) err.details = `invoke ${req.getTok()} failed: ${err.message}`;
            callback(err, res);
        });
    monitor.__planKeepsInvokeErrors = true;
}

/**
 * `require` runs a program once per process. To evaluate again (a second project, or the same one
 * under other config or fresh mocks, as tests do) its own modules must load anew; the runtime's
 * own code (local/, tests/) and installed packages stay as they are.
 */
export function forgetProgramModules(projectDir: string): void {
    for (const file of Object.keys(require.cache)) {
        const rel = path.relative(projectDir, file);
        if (rel.startsWith("..") || path.isAbsolute(rel)) continue;
        const top = rel.split(path.sep)[0];
        if (top === "node_modules" || top === "local" || top === "tests") continue;
        delete require.cache[file];
    }
}

export async function evaluateProject(
    projectDir: string,
    stack: string,
    options: EvaluateOptions = {},
): Promise<ProjectPlan> {
    const dir = path.resolve(projectDir);
    if (!fs.existsSync(path.join(dir, "Pulumi.yaml")))
        throw new PlanUsageError(`no Pulumi.yaml in ${dir}: not a Pulumi project (give --project <dir>)`);
    let loaded;
    try {
        loaded = loadProjectConfig(dir, stack);
        for (const [key, value] of Object.entries(options.configOverrides ?? {}))
            loaded.config[key.includes(":") ? key : `${loaded.project}:${key}`] = value;
    } catch (err: any) {
        throw new PlanUsageError(err.message);
    }
    if (!fs.existsSync(loaded.main) && !fs.existsSync(loaded.main + ".ts") && !fs.existsSync(loaded.main + ".js")) {
        throw new PlanUsageError(`the program ${loaded.main} named by ${path.join(dir, "Pulumi.yaml")} does not exist`);
    }
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    const engine = await installMocks(loaded.project, stack, loaded.config);
    keepInvokeErrorMessages();
    if (/\.tsx?$/.test(loaded.main) || fs.existsSync(loaded.main + ".ts")) ensureTypeScript(dir);

    // Errors of resource registration and invokes surface as unhandled rejections (an output that
    // failed never resolves): make the first one fail the plan at once.
    let fail!: (reason: unknown) => void;
    const failure = new Promise<never>((_, reject) => (fail = reject));
    failure.catch(() => undefined);
    const guard = <T>(promise: Promise<T>) => Promise.race([promise, failure]);
    const onRejection = (reason: unknown) => fail(reason);
    process.on("unhandledRejection", onRejection);
    // The Pulumi CLI runs a program from its project folder (code paths, relative files).
    const cwd = process.cwd();
    process.chdir(dir);
    try {
        forgetProgramModules(dir);
        let exported = require(loaded.main);
        if (typeof exported === "function") exported = await guard(exported());
        else if (typeof exported?.default === "function" && Object.keys(exported).length === 1)
            exported = await guard(exported.default());
        await guard(settle(engine.resources, deadline));
        const outputs: Record<string, unknown> = {};
        for (const [key, value] of Object.entries(exported ?? {})) {
            if (key === "__esModule") continue;
            outputs[key] = await guard(
                withTimeout(toPlain(value), Math.max(1, deadline - Date.now()), `stack output ${key}`),
            );
        }
        await guard(settle(engine.resources, deadline));
        return { project: loaded.project, stack, resources: engine.resources, outputs, config: loaded.config };
    } finally {
        process.chdir(cwd);
        process.off("unhandledRejection", onRejection);
    }
}

/** The state machine the program exports as `stateMachineArn`, else every one it declares. */
export function pickStateMachines<T extends { state: Record<string, any> }>(machines: T[], exportedArn: unknown): T[] {
    const exported = machines.find(m => typeof exportedArn === "string" && m.state.arn === exportedArn);
    return exported ? [exported] : machines;
}

export interface PlanDocument {
    project: string;
    stack: string;
    resources: { type: string; name: string; urn: string; parent: string | null; custom: boolean; inputs: unknown }[];
    outputs: Record<string, unknown>;
}

/** The `--json` document: every resource with its plain inputs, and the stack outputs. */
export async function planDocument(plan: ProjectPlan): Promise<PlanDocument> {
    const resources = [];
    for (const r of plan.resources) {
        resources.push({
            type: r.type,
            name: r.name,
            urn: r.urn,
            parent: r.parent ?? null,
            custom: r.custom,
            inputs: await toPlain(r.inputs),
        });
    }
    return { project: plan.project, stack: plan.stack, resources, outputs: plan.outputs };
}

export interface TreeRow {
    depth: number;
    type: string;
    name: string;
}

/** Resources depth-first under the stack, children in declaration order. */
export function resourceTreeRows(plan: Pick<ProjectPlan, "project" | "stack" | "resources">): TreeRow[] {
    const urns = new Set(plan.resources.map(r => r.urn));
    const children = new Map<string | undefined, DeclaredResource[]>();
    for (const r of plan.resources) {
        const parent = r.parent && urns.has(r.parent) && r.parent !== r.urn ? r.parent : undefined;
        children.set(parent, [...(children.get(parent) ?? []), r]);
    }
    const rows: TreeRow[] = [{ depth: 0, type: "pulumi:pulumi:Stack", name: `${plan.project}-${plan.stack}` }];
    const seen = new Set<string>();
    const walk = (parent: string | undefined, depth: number) => {
        for (const r of children.get(parent) ?? []) {
            if (seen.has(r.urn)) continue; // never loop on a malformed parent chain
            seen.add(r.urn);
            rows.push({ depth, type: r.type, name: r.name });
            walk(r.urn, depth + 1);
        }
    };
    walk(undefined, 1);
    return rows;
}

/** The readable table: TYPE indented by parent, NAME aligned. */
export function renderResourceTree(plan: Pick<ProjectPlan, "project" | "stack" | "resources">): string {
    const rows = resourceTreeRows(plan);
    const typeCells = rows.map(row => "  ".repeat(row.depth) + row.type);
    const width = Math.max("TYPE".length, ...typeCells.map(cell => cell.length)) + 3;
    const lines = ["TYPE".padEnd(width) + "NAME", ...rows.map((row, i) => typeCells[i].padEnd(width) + row.name)];
    lines.push("", `${plan.resources.length} resource${plan.resources.length === 1 ? "" : "s"}`);
    return lines.join("\n") + "\n";
}

/** Stack outputs as `pulumi stack output` shows them: one per line, strings bare, others as JSON. */
export function renderOutputs(outputs: Record<string, unknown>): string {
    const keys = Object.keys(outputs);
    if (keys.length === 0) return "";
    const width = Math.max(...keys.map(k => k.length)) + 2;
    return (
        [
            "Outputs:",
            ...keys.map(
                k => `  ${k.padEnd(width)}${typeof outputs[k] === "string" ? outputs[k] : JSON.stringify(outputs[k])}`,
            ),
        ].join("\n") + "\n"
    );
}
