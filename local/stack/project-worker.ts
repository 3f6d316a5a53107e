// A worker entry given on the command line (`npm start -- --worker <file>`), bundled for local runs
// with the options the components use for a step's image, and run as every container.
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { bundleWorker } from "../../components/worker-bundle";

export async function bundleProjectWorker(entry: string): Promise<string> {
    const file = path.resolve(entry);
    if (!fs.existsSync(file)) throw new Error(`worker entry ${file} does not exist`);
    const outDir = path.join(
        os.tmpdir(),
        `local-worker-${crypto.createHash("sha256").update(file).digest("hex").slice(0, 12)}`,
    );
    return bundleWorker(file, outDir).file;
}
