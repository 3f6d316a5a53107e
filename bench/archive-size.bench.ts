// The trigger Lambda's archive next to what `CallbackFunction` packs with its defaults in this
// project (which depends on the ECS SDK): the real one is the dev stack's `ecs-trigger` Function as
// planned offline (only `__index.js`); the default is a CallbackFunction created under Pulumi mocks
// WITHOUT codePathOptions in a child process (setMocks is global), whose code AssetArchive lists a
// folder per production dependency, transitive ones included. Sizes: bytes on disk (file sizes) and
// a zip estimate (each file deflate-raw compressed plus zip headers). The dependency tree followed
// through package-lock.json is a cross-check of which folders the default packs.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as zlib from "zlib";
import { archiveFiles } from "../local/program/lambda-archive";
import { evaluateProject } from "../local/program/plan";
import type { BenchRow } from "./run";

const ROOT = path.resolve(__dirname, "..");
const TRIGGER_NAME = "ecs-trigger";

/** Zip size estimate of one entry: local header + central directory record (+ name twice) + data. */
function zipEntryBytes(name: string, compressed: number): number {
    return 30 + 46 + 2 * Buffer.byteLength(name) + compressed;
}
const ZIP_END = 22;

interface Sized {
    files: number;
    bytes: number;
    zip: number;
}

/** Every regular file under `dir` (symlinks not followed): count, bytes, zip estimate. */
function sizeOfTree(dir: string, archiveName: string, into: Sized): void {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        const name = `${archiveName}/${entry.name}`;
        if (entry.isDirectory()) sizeOfTree(full, name, into);
        else if (entry.isFile()) {
            const data = fs.readFileSync(full);
            into.files++;
            into.bytes += data.byteLength;
            into.zip += zipEntryBytes(name, Math.min(data.byteLength, zlib.deflateRawSync(data).byteLength));
        }
    }
}

// Runs in a child process under ts-node (cwd: the project, as the Pulumi CLI runs a program).
const DEFAULT_CALLBACK_SCRIPT = `
const pulumi = require("@pulumi/pulumi");
(async () => {
    let code;
    await pulumi.runtime.setMocks({
        newResource(a) { if (a.type === "aws:lambda/function:Function") code = a.inputs.code; return { id: a.name + "-id", state: a.inputs }; },
        call() { return {}; },
    }, "bench", "bench", false);
    const aws = require("@pulumi/aws");
    const fn = new aws.lambda.CallbackFunction("x", { callback: async () => 1, role: "arn:aws:iam::000000000000:role/x", runtime: "nodejs22.x" });
    await new Promise(resolve => fn.urn.apply(resolve));
    for (let i = 0; i < 500 && !code; i++) await new Promise(r => setTimeout(r, 20));
    if (!code) throw new Error("no Function resource was registered");
    const { archiveEntries } = require(${JSON.stringify(path.join(ROOT, "local", "program", "lambda-archive"))});
    const entries = await archiveEntries(code);
    process.stdout.write(JSON.stringify(entries.map(e => ({ name: e.name, kind: e.kind, path: e.path, text: e.text }))));
})().then(() => process.exit(0), err => { console.error(err); process.exit(1); });
`;

type Entry = { name: string; kind: string; path?: string; text?: string };

function defaultCallbackEntries(): Promise<Entry[]> {
    return new Promise((resolve, reject) => {
        const child = spawn(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "-e", DEFAULT_CALLBACK_SCRIPT],
            {
                cwd: ROOT,
                stdio: ["ignore", "pipe", "pipe"],
                // Not this process's Pulumi settings (evaluating the plan set PULUMI_CONFIG and others).
                env: Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("PULUMI_"))),
            },
        );
        let out = "";
        let err = "";
        child.stdout.on("data", c => (out += c));
        child.stderr.on("data", c => (err += c));
        const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
        child.once("close", (code, signal) => {
            clearTimeout(timer);
            // Pulumi's runtime turns the exit code to 1 when outputs of the mock resources are still
            // pending at exit (harmless here): the printed entries are what counts.
            try {
                resolve(JSON.parse(out));
            } catch {
                reject(
                    new Error(
                        `the CallbackFunction probe exited ${code ?? signal} without its JSON: ${err.trim().split("\n").slice(0, 5).join(" ")}`,
                    ),
                );
            }
        });
    });
}

/** Package folders the production dependencies reach, following package-lock.json (npm's nesting). */
function lockDependencyFolders(): string[] {
    const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8"));
    const packages: Record<
        string,
        { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }
    > = lock.packages;
    const deps = (p: { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> }) =>
        Object.keys({ ...p.dependencies, ...p.optionalDependencies });
    const seen = new Set<string>();
    const queue: Array<[string, string]> = deps(packages[""]).map(name => ["", name]);
    while (queue.length > 0) {
        const [from, name] = queue.shift()!;
        // Node's resolution: the nearest node_modules/<name> from the requiring package upwards.
        let dir = from;
        let key: string | undefined;
        for (;;) {
            const candidate = `${dir ? `${dir}/` : ""}node_modules/${name}`;
            if (packages[candidate]) {
                key = candidate;
                break;
            }
            if (!dir) break;
            const at = dir.lastIndexOf("/node_modules/");
            dir = at < 0 ? "" : dir.slice(0, at);
        }
        if (!key || seen.has(key)) continue; // an optional dependency not installed on this platform
        seen.add(key);
        for (const dep of deps(packages[key])) queue.push([key, dep]);
    }
    // A folder nested in another one is inside its archive already.
    return [...seen].filter(k => ![...seen].some(other => other !== k && k.startsWith(`${other}/`))).sort();
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;

export async function run(): Promise<BenchRow[]> {
    // The real archive: the program's trigger as planned offline.
    const plan = await evaluateProject(ROOT, "dev");
    const trigger = plan.resources.find(r => r.type === "aws:lambda/function:Function" && r.name === TRIGGER_NAME);
    if (!trigger) throw new Error(`the dev plan has no aws:lambda/function:Function named ${TRIGGER_NAME}`);
    const files = await archiveFiles(trigger.inputs.code);
    const real: Sized = { files: 0, bytes: 0, zip: ZIP_END };
    for (const [name, text] of Object.entries(files)) {
        const data = Buffer.from(text, "utf8");
        real.files++;
        real.bytes += data.byteLength;
        real.zip += zipEntryBytes(name, zlib.deflateRawSync(data).byteLength);
    }
    const names = Object.keys(files);
    if (names.length !== 1 || names[0] !== "__index.js")
        throw new Error(`the trigger archive holds ${names.join(", ")}, not just __index.js`);

    // The default: what CallbackFunction packs without codePathOptions.
    const entries = await defaultCallbackEntries();
    const def: Sized = { files: 0, bytes: 0, zip: ZIP_END };
    const folders: string[] = [];
    for (const e of entries) {
        if (e.kind === "text") {
            const data = Buffer.from(e.text ?? "", "utf8");
            def.files++;
            def.bytes += data.byteLength;
            def.zip += zipEntryBytes(e.name, zlib.deflateRawSync(data).byteLength);
        } else if (e.kind === "directory" || e.kind === "file") {
            const full = path.resolve(ROOT, e.path!);
            if (e.kind === "directory") {
                folders.push(path.relative(ROOT, full));
                sizeOfTree(full, e.name, def);
            } else {
                const data = fs.readFileSync(full);
                def.files++;
                def.bytes += data.byteLength;
                def.zip += zipEntryBytes(e.name, zlib.deflateRawSync(data).byteLength);
            }
        }
    }
    const lockFolders = lockDependencyFolders();
    const lockSize: Sized = { files: 0, bytes: 0, zip: 0 };
    for (const folder of lockFolders)
        if (fs.existsSync(path.join(ROOT, folder))) sizeOfTree(path.join(ROOT, folder), folder, lockSize);
    const missing = lockFolders.filter(f => !folders.includes(f));
    const extra = folders.filter(f => !lockFolders.includes(f));
    const agree = missing.length === 0 && extra.length === 0;

    return [
        {
            name: `trigger archive (${TRIGGER_NAME}): __index.js only`,
            value: kib(real.bytes),
            note: `zip estimate ${kib(real.zip)} (deflate-raw + zip headers)`,
        },
        {
            name: "CallbackFunction defaults (no codePathOptions)",
            value: mib(def.bytes),
            note: `${entries.length - 1} dependency folders + __index.js, ${def.files} files; zip estimate ${mib(def.zip)}`,
        },
        {
            name: "default / trigger archive",
            value: `${(def.bytes / real.bytes).toFixed(0)}× bytes`,
            note: `zip estimate: ${(def.zip / real.zip).toFixed(0)}×`,
        },
        {
            name: "cross-check: package-lock.json dependency tree",
            value: mib(lockSize.bytes),
            note: agree
                ? `${lockFolders.length} package folders, the same ones the CallbackFunction listed`
                : `${lockFolders.length} package folders; not listed by CallbackFunction: ${missing.join(", ") || "none"}; listed but not in the lock tree: ${extra.join(", ") || "none"}`,
        },
    ];
}
