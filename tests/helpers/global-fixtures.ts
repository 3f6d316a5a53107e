// Mocha global fixtures for `npm test`: what must happen once per run, in mocha's main process,
// before any test file loads in its worker (in parallel mode a root hook would run once per file,
// and concurrent `npm pack` runs race): the packed library installed into the example projects,
// and the worker bundle built, each only when its sources changed since the last run. After the
// run, no process of this checkout that a test started may be left anywhere on the machine (the
// per-test checks see only their own process's descendants, which misses a process whose parent
// ended first).
import { installLibraryIntoExamples } from "../../scripts/install-library";
import { ensureWorkerBundle } from "../../scripts/build-worker";
import * as path from "path";
import { checkoutProcessesMatching, waitUntil, WORKER_PROCESS, LAMBDA_HOST_PROCESS } from "./processes";

/** What the tests start: local containers, the worker bundle run by hand, Lambda hosts, `npm start`. */
const STARTED_BY_TESTS = [
    WORKER_PROCESS,
    path.join("worker-image", "dist") + path.sep,
    LAMBDA_HOST_PROCESS,
    path.join("local", "cli", "start.ts"),
];

export async function mochaGlobalSetup(): Promise<void> {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    installLibraryIntoExamples(log, { reuse: true });
    const bundle = await ensureWorkerBundle();
    if (bundle.built) log(`built the worker bundle (${(bundle.bytes / 1024).toFixed(1)} KiB) in ${bundle.buildMs} ms`);
}

export async function mochaGlobalTeardown(): Promise<void> {
    const left = await waitUntil(() => STARTED_BY_TESTS.flatMap(checkoutProcessesMatching), 10_000);
    if (left.length > 0) throw new Error(`processes the tests started are still running:\n${left.join("\n")}`);
}
