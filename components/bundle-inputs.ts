// Whether a worker bundle on disk is still what esbuild would build now. Beside the bundle's folder
// (outside the image's build context, so it never changes an image) a record lists every file
// esbuild read, from its metafile, with a hash of each, plus esbuild's version and options. Package
// manifests and lockfiles from the entry's folder up are in it too, present or not: an install can
// change which file an import resolves to without changing any file the last build read.
import * as crypto from "crypto";
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { writeIfChanged } from "./write-if-changed";

interface BundleRecord {
    /** esbuild's version and the build options. */
    key: string;
    /** Absolute path → SHA-256 of its contents, or "" for a manifest that did not exist. */
    inputs: Record<string, string>;
    /** SHA-256 of the bundle. */
    output: string;
}

const MANIFESTS = ["package.json", "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml"];

export function bundleRecordFile(outDir: string): string {
    return path.join(path.dirname(outDir), `.${path.basename(outDir)}.inputs.json`);
}

function sha256(contents: Uint8Array): string {
    return crypto.createHash("sha256").update(contents).digest("hex");
}

/** The file's hash, "" when it does not exist. */
function currentHash(file: string): string {
    try {
        return sha256(fs.readFileSync(file));
    } catch {
        return "";
    }
}

function recordKey(options: esbuild.BuildOptions): string {
    return JSON.stringify({ esbuild: esbuild.version, options });
}

function manifestsAbove(entry: string): string[] {
    const files: string[] = [];
    for (let dir = path.dirname(path.resolve(entry)); ; dir = path.dirname(dir)) {
        files.push(...MANIFESTS.map(name => path.join(dir, name)));
        if (path.dirname(dir) === dir) return files;
    }
}

/** The bundle's bytes when `file` still holds what `options` would build; otherwise undefined. */
export function unchangedBundle(recordFile: string, options: esbuild.BuildOptions, file: string): Buffer | undefined {
    let record: BundleRecord;
    try {
        record = JSON.parse(fs.readFileSync(recordFile, "utf8"));
    } catch {
        return undefined;
    }
    if (record.key !== recordKey(options)) return undefined;
    for (const [input, hash] of Object.entries(record.inputs)) if (currentHash(input) !== hash) return undefined;
    const contents = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
    return contents && sha256(contents) === record.output ? contents : undefined;
}

/**
 * Records what a build read. An input that is not a plain file (a plugin's virtual module) cannot
 * be checked later, so then no record is kept and the next call builds again.
 */
export function recordBundleInputs(
    recordFile: string,
    options: esbuild.BuildOptions,
    metafile: esbuild.Metafile,
    contents: Uint8Array,
): void {
    const workingDir = options.absWorkingDir ?? process.cwd();
    const read = Object.keys(metafile.inputs).map(input => path.resolve(workingDir, input));
    const inputs: Record<string, string> = {};
    for (const file of [...read, ...manifestsAbove((options.entryPoints as string[])[0])]) {
        inputs[file] = currentHash(file);
    }
    if (read.some(file => inputs[file] === "")) {
        fs.rmSync(recordFile, { force: true });
        return;
    }
    const record: BundleRecord = { key: recordKey(options), inputs, output: sha256(contents) };
    writeIfChanged(recordFile, Buffer.from(JSON.stringify(record)));
}
