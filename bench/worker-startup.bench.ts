// How fast a worker container gets to its first GetActivityTask: the bundle's size, and the time
// from process start to the first poll reaching a local endpoint, as a ratio to a bare `node -e 0`
// measured in the same run (these machines are noisy: only ratios travel). Rounds interleave the
// variants so drift hits them alike. This machine's Node and, when npx can fetch them, Node 22 and 24
// (BENCH_NODE_MAJORS). The compile-cache rows are for comparison: the image no longer bakes a cache
// (its build runs nothing, so nothing can fill one).
import { ChildProcess, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchWorkerEnv } from "./worker-env";
import { ActivityStore } from "../local/sfn/activity-store";
import { StepFunctionsEndpoint, startStepFunctionsEndpoint } from "../local/sfn/endpoint";
import { ensureWorkerBundle, WORKER_ENTRY } from "../scripts/build-worker";
import type { BenchRow } from "./run";

const ROUNDS = Math.max(10, Number(process.env.BENCH_ROUNDS ?? 15));
const TS_NODE_ROUNDS = 5;
const ROOT = path.resolve(__dirname, "..");

interface Runtime {
    label: string;
    node: string;
    major: number;
    minor: number;
}

function median(values: number[]): number {
    const s = [...values].sort((a, b) => a - b);
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function runtimeOf(node: string): Runtime | undefined {
    const r = spawnSync(node, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 30_000 });
    if (r.status !== 0) return undefined;
    const [major, minor] = r.stdout.trim().split(".").map(Number);
    return { label: `node ${r.stdout.trim()}`, node, major, minor };
}

/** A Node major from the npm registry through npx (cached after the first fetch), or undefined. */
function findNode(major: number): Runtime | undefined {
    const r = spawnSync("npx", ["-y", "-p", `node@${major}`, "--", "node", "-p", "process.execPath"], {
        encoding: "utf8",
        timeout: 180_000,
    });
    const node = r.status === 0 ? r.stdout.trim().split("\n").pop() : undefined;
    return node && fs.existsSync(node) ? runtimeOf(node) : undefined;
}

function exited(child: ChildProcess): Promise<void> {
    return new Promise(resolve =>
        child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("exit", () => resolve()),
    );
}

async function bareStartMs(node: string): Promise<number> {
    const t0 = Date.now();
    const child = spawn(node, ["-e", "0"], { stdio: "ignore" });
    await exited(child);
    return Date.now() - t0;
}

/** Process start to the first GetActivityTask the endpoint receives; the worker is then killed. */
async function firstPollMs(
    ep: StepFunctionsEndpoint,
    node: string,
    args: string[],
    env: NodeJS.ProcessEnv,
    timeoutMs = 30_000,
): Promise<number> {
    const seen = ep.requestsFor("GetActivityTask").length;
    const t0 = Date.now();
    const child = spawn(node, args, { env, cwd: ROOT, stdio: "ignore" });
    try {
        const request = await ep.waitForRequest("GetActivityTask", { count: seen + 1, timeoutMs });
        return request.time - t0;
    } finally {
        child.kill("SIGKILL");
        await exited(child);
    }
}

function describe(samples: number[], floor: number): string {
    return `${median(samples).toFixed(0)} ms = ${(median(samples) / floor).toFixed(2)}× bare`;
}

function spread(samples: number[]): string {
    return `n=${samples.length}, min ${Math.min(...samples)} ms, max ${Math.max(...samples)} ms`;
}

export async function run(): Promise<BenchRow[]> {
    const bundle = await ensureWorkerBundle();
    const rows: BenchRow[] = [
        {
            name: "bundle size (worker-image/dist/worker.js)",
            value: `${(bundle.bytes / 1024).toFixed(1)} KiB`,
            target: "≤ 1024 KiB",
        },
    ];
    const runtimes = [runtimeOf(process.execPath)!];
    // Node 22 (the second figure) and 24 (what the image runs), when npx can fetch them.
    for (const major of (process.env.BENCH_NODE_MAJORS ?? "22,24").split(",").map(Number)) {
        if (runtimes.some(r => r.major === major)) continue;
        const rt = findNode(major);
        if (rt) runtimes.push(rt);
        else rows.push({ name: `node ${major}`, value: "skipped", note: `npx -p node@${major} was not available` });
    }

    const store = new ActivityStore({ maxPollSeconds: 1 });
    const ep = await startStepFunctionsEndpoint({ store });
    const cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), "worker-compile-cache-"));
    try {
        const { activityArn } = store.createActivity("bench-startup");
        // Keep the machine's ~/.aws out of the measurement.
        const env = benchWorkerEnv(activityArn, ep.url, cacheRoot, "bench");
        for (const rt of runtimes) {
            const withCache = rt.major > 22 || (rt.major === 22 && rt.minor >= 1);
            const cacheEnv = { ...env, NODE_COMPILE_CACHE: path.join(cacheRoot, rt.label.replace(/\W+/g, "-")) };
            if (withCache) {
                // Fill the cache as the image build does: one run that exits normally after its first poll.
                // (Asynchronous: the endpoint that answers the poll lives in this process.)
                const warm = spawn(rt.node, [bundle.outfile], {
                    env: { ...cacheEnv, IDLE_TIMEOUT_SECONDS: "0" },
                    stdio: "ignore",
                });
                const killer = setTimeout(() => warm.kill("SIGKILL"), 30_000);
                await exited(warm);
                clearTimeout(killer);
                if (warm.exitCode !== 0)
                    throw new Error(`compile-cache warm-up run exited ${warm.exitCode ?? warm.signalCode}`);
            }
            const bare: number[] = [];
            const plain: number[] = [];
            const cached: number[] = [];
            await firstPollMs(ep, rt.node, [bundle.outfile], env); // let the OS cache the files
            for (let i = 0; i < ROUNDS; i++) {
                bare.push(await bareStartMs(rt.node));
                plain.push(await firstPollMs(ep, rt.node, [bundle.outfile], env));
                if (withCache) cached.push(await firstPollMs(ep, rt.node, [bundle.outfile], cacheEnv));
            }
            const floor = median(bare);
            rows.push({ name: `${rt.label}: bare \`node -e 0\``, value: `${floor.toFixed(0)} ms`, note: spread(bare) });
            rows.push({
                name: `${rt.label}: bundle, start → first GetActivityTask`,
                value: describe(plain, floor),
                target: rt.major === 20 ? "≤ 2× (stretch 1.5×)" : undefined,
                note: spread(plain),
            });
            if (withCache) {
                rows.push({
                    name: `${rt.label}: bundle + NODE_COMPILE_CACHE (warm)`,
                    value: describe(cached, floor),
                    note: spread(cached),
                });
            }
            if (rt === runtimes[0]) {
                const tsNode: number[] = [];
                const args = ["-r", "ts-node/register/transpile-only", WORKER_ENTRY];
                for (let i = 0; i < TS_NODE_ROUNDS; i++) tsNode.push(await firstPollMs(ep, rt.node, args, env, 60_000));
                rows.push({
                    name: `${rt.label}: TypeScript sources via ts-node (transpile-only)`,
                    value: describe(tsNode, floor),
                    note: spread(tsNode),
                });
            }
        }
    } finally {
        await ep.close();
        store.close();
        fs.rmSync(cacheRoot, { recursive: true, force: true });
    }
    return rows;
}
