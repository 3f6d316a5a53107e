// A project's own worker for local runs: its entry file bundled into one script, as its image's
// build would bundle it (same esbuild options as this repository's worker).
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as esbuild from "esbuild";
import { workerBuildOptions } from "../../scripts/build-worker";

export async function bundleProjectWorker(entry: string): Promise<string> {
    const file = path.resolve(entry);
    if (!fs.existsSync(file)) throw new Error(`worker entry ${file} does not exist`);
    const outfile = path.join(
        os.tmpdir(),
        `local-worker-${crypto.createHash("sha256").update(file).digest("hex").slice(0, 12)}.js`,
    );
    const result = await esbuild.build({
        ...workerBuildOptions(outfile),
        entryPoints: [file],
        absWorkingDir: path.dirname(file),
        write: true,
    });
    if (result.errors.length > 0)
        throw new Error(`bundling ${file} failed: ${result.errors.map(e => e.text).join("; ")}`);
    return outfile;
}
