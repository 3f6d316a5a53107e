// A worker bundled on the deploying machine, as AWS CDK's NodejsFunction bundles a Lambda: the
// entry file (TypeScript or JavaScript), the worker library and the AWS SDK in one minified script
// that plain `node` runs. The image then needs no npm, no compiler and no RUN, so it builds for
// either architecture without emulation. No Pulumi here: scripts/build-worker.ts uses it too.
import * as esbuild from "esbuild";
import * as path from "path";
import { bundleRecordFile, recordBundleInputs, unchangedBundle } from "./bundle-inputs";
import { writeIfChanged } from "./write-if-changed";

export const WORKER_BUNDLE_FILE = "worker.js";

/** The esbuild options of every worker bundle, for images and local runs alike. */
export function workerBuildOptions(entry: string, outfile: string, minify = true): esbuild.BuildOptions {
    return {
        entryPoints: [entry],
        outfile,
        bundle: true,
        platform: "node",
        target: "node20",
        format: "cjs",
        minify,
        // ES module builds of the SDK let esbuild drop what the worker never calls.
        mainFields: ["module", "main"],
        // The SDK's HTTP handler loads node:http with `await import()`; through Node's ESM loader that
        // builds a facade of the whole module, which on Node 22+ loads undici (~17 ms of start-up).
        // As a plain require() it costs nothing.
        supported: { "dynamic-import": false },
        legalComments: "none",
        logLevel: "warning",
        absWorkingDir: path.dirname(entry),
        write: false,
    };
}

export interface WorkerBundle {
    file: string;
    bytes: number;
    /** False when the file already held this bundle. */
    written: boolean;
    /** True when the bundle was reused without running esbuild: none of its inputs had changed. */
    reused: boolean;
}

/**
 * Bundles `entry` into `outDir/worker.js`, synchronously: a component constructor cannot wait.
 * The same sources give the same bytes (no source map, no paths, no timestamps), so an unchanged
 * worker does not change its image. Every plan and preview bundles every worker, so a bundle whose
 * inputs are all unchanged is reused (see bundle-inputs.ts).
 */
export function bundleWorker(entry: string, outDir: string): WorkerBundle {
    const file = path.join(outDir, WORKER_BUNDLE_FILE);
    const options = workerBuildOptions(entry, file);
    const record = bundleRecordFile(outDir);
    const unchanged = unchangedBundle(record, options, file);
    if (unchanged) return { file, bytes: unchanged.byteLength, written: false, reused: true };
    let result: esbuild.BuildResult;
    try {
        result = esbuild.buildSync({ ...options, metafile: true });
    } catch (err) {
        throw new Error(`bundling the worker ${entry} failed: ${(err as Error).message}`, { cause: err });
    }
    const contents = result.outputFiles![0].contents;
    const written = writeIfChanged(file, contents);
    recordBundleInputs(record, options, result.metafile!, contents);
    return { file, bytes: contents.byteLength, written, reused: false };
}
