// Bundles this repository's worker (worker-image/main.ts, the example job, the library and the AWS
// SDK) into one minified file, worker-image/dist/worker.js, run with plain `node`: no node_modules
// and no compiler at run time. The esbuild options are the components' (components/worker-bundle.ts),
// so local runs and tests run what an image would hold. `npm run build:worker` runs this; tests and
// benchmarks call ensureWorkerBundle().
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as path from "path";
import { workerBuildOptions as bundleOptions } from "../components/worker-bundle";
import { writeIfChanged } from "../components/write-if-changed";

const ROOT = path.resolve(__dirname, "..");
export const WORKER_DIR = path.join(ROOT, "worker-image");
export const WORKER_ENTRY = path.join(WORKER_DIR, "main.ts");
export const WORKER_BUNDLE = path.join(WORKER_DIR, "dist", "worker.js");
/** Besides the worker's sources, what makes a bundle stale: the lockfile and the build's own code. */
const BUILD_INPUTS = [
    path.join(ROOT, "package-lock.json"),
    __filename,
    path.join(ROOT, "components", "worker-bundle.ts"),
];

export interface WorkerBundleInfo {
    outfile: string;
    bytes: number;
    /** False when an up-to-date bundle was reused. */
    built: boolean;
    buildMs: number;
}

export interface BuildOptions {
    outfile?: string;
    /** Default true. */
    minify?: boolean;
}

/** This repository's worker's esbuild options (the components' options for its entry). */
export function workerBuildOptions(outfile: string, minify = true): esbuild.BuildOptions {
    return { ...bundleOptions(WORKER_ENTRY, outfile, minify), absWorkingDir: ROOT };
}

export async function buildWorkerBundle(options: BuildOptions = {}): Promise<WorkerBundleInfo> {
    const started = Date.now();
    const outfile = options.outfile ?? WORKER_BUNDLE;
    const result = await esbuild.build(workerBuildOptions(outfile, options.minify ?? true));
    const file = result.outputFiles!.find(f => f.path === outfile) ?? result.outputFiles![0];
    // A test run and a build running at once never see half a file.
    writeIfChanged(outfile, file.contents);
    return { outfile, bytes: file.contents.byteLength, built: true, buildMs: Date.now() - started };
}

function newestSourceMtime(): number {
    let newest = 0;
    const visit = (dir: string) => {
        for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) {
                if (entry.name !== "dist" && entry.name !== "node_modules") visit(full);
            } else if (entry.name.endsWith(".ts")) {
                newest = Math.max(newest, fs.statSync(full).mtimeMs);
            }
        }
    };
    visit(WORKER_DIR);
    for (const file of BUILD_INPUTS) {
        if (fs.existsSync(file)) newest = Math.max(newest, fs.statSync(file).mtimeMs);
    }
    return newest;
}

/** The bundle, rebuilt only when a worker source (or the lockfile) is newer than it. */
export async function ensureWorkerBundle(): Promise<WorkerBundleInfo> {
    const started = Date.now();
    if (fs.existsSync(WORKER_BUNDLE)) {
        const stat = fs.statSync(WORKER_BUNDLE);
        if (stat.mtimeMs > newestSourceMtime())
            return { outfile: WORKER_BUNDLE, bytes: stat.size, built: false, buildMs: Date.now() - started };
    }
    return buildWorkerBundle();
}

if (require.main === module) {
    buildWorkerBundle().then(
        info =>
            console.log(
                `worker bundle: ${path.relative(process.cwd(), info.outfile)} ${(info.bytes / 1024).toFixed(1)} KiB (${info.buildMs} ms)`,
            ),
        err => {
            console.error(err);
            process.exit(1);
        },
    );
}
