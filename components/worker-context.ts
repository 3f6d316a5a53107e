// The Docker build context of a bundled worker's image: a folder holding exactly `worker.js` and
// this package's runtime-only Dockerfile, in the project's cache (node_modules/.cache, which git
// ignores with node_modules), or in the system's temporary folder when there is no node_modules.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { nearestPackageDir } from "./nearest-package";
import { bundleWorker, WorkerBundle } from "./worker-bundle";
import { writeIfChanged } from "./write-if-changed";

const CACHE_SUBDIR = path.join(".cache", "fargate-activity-step", "workers");

/** This package's root (above components/ in the sources, above dist/components/ when built). */
export function packageRoot(): string {
    return nearestPackageDir(__dirname) ?? path.resolve(__dirname, "..");
}

/**
 * The runtime-only Dockerfile every bundled worker's image is built from: worker-image/Dockerfile
 * beside components/ in the sources, and beside dist/components/ in the package (the build copies it).
 */
export function workerDockerfile(): string {
    return path.resolve(__dirname, "..", "worker-image", "Dockerfile");
}

/** Where build contexts go: the nearest node_modules at or above `projectDir`, else the temporary folder. */
export function workerCacheDir(projectDir: string): string {
    for (let dir = path.resolve(projectDir); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "node_modules"))) return path.join(dir, "node_modules", CACHE_SUBDIR);
        if (path.dirname(dir) === dir) return path.join(os.tmpdir(), "fargate-activity-step", "workers");
    }
}

/** A short name that fits a resource name, a folder and an image tag: letters, digits, `_`, `.`, `-`. */
export function safeLabel(text: string): string {
    const label = text.replace(/[^A-Za-z0-9_.-]+/g, "-").replace(/^[.-]+/, "");
    return (label || "worker").slice(0, 40);
}

export function shortHash(text: string): string {
    return crypto.createHash("sha256").update(text).digest("hex").slice(0, 8);
}

export interface WorkerContext {
    context: string;
    dockerfile: string;
    bundle: WorkerBundle;
}

/**
 * Bundles `entry` into its own context folder and puts the Dockerfile beside it. The folder is
 * named by the entry's absolute path, so two projects sharing one node_modules (a monorepo) never
 * share a folder.
 */
export function prepareWorkerContext(entry: string, projectDir: string): WorkerContext {
    const source = workerDockerfile();
    if (!fs.existsSync(source)) throw new Error(`the worker Dockerfile ${source} is missing from this package`);
    const name = `${safeLabel(path.basename(entry, path.extname(entry)))}-${shortHash(path.resolve(entry))}`;
    const context = path.join(workerCacheDir(projectDir), name);
    const bundle = bundleWorker(entry, context);
    const dockerfile = path.join(context, "Dockerfile");
    writeIfChanged(dockerfile, fs.readFileSync(source));
    return { context, dockerfile, bundle };
}
