// Which processes of ours are alive: a test that starts workers or Lambda hosts must end them all.
// A test sees only the processes below its own test process: with mocha's parallel mode, other
// test files run in sibling processes and their live workers are none of its business. The global
// teardown (global-fixtures.ts) looks at the whole checkout once every file has run.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { descendantsOf } from "../../local/cli/descendants";

/**
 * This checkout's root: every process the tests start runs a file under it (a Lambda host, a
 * worker bundle in its node_modules/.cache), so the teardown's check sees only this checkout's
 * processes, not those of another checkout's tests running on the same machine.
 */
const CHECKOUT = path.resolve(__dirname, "..", "..") + path.sep;

interface ProcessLine {
    pid: number;
    ppid: number;
    line: string;
}

/** Every live (not zombie) process with its parent and command line (ps is on every Debian). */
function liveProcesses(): ProcessLine[] {
    const out = execFileSync("ps", ["-eo", "pid=,ppid=,stat=,args="], { encoding: "utf8" });
    return out
        .split("\n")
        .map(line => {
            const [pid, ppid, stat] = line.trim().split(/\s+/);
            return { pid: Number(pid), ppid: Number(ppid), stat: stat ?? "", line };
        })
        .filter(p => Number.isInteger(p.pid) && !p.stat.startsWith("Z") && !p.line.includes("ps -eo"));
}

/** Command lines of live processes below this test process whose arguments contain `fragment`. */
export function processesMatching(fragment: string): string[] {
    const all = liveProcesses();
    const mine = new Set(
        descendantsOf(
            process.pid,
            all.map(p => [p.pid, p.ppid]),
        ),
    );
    return all.filter(p => mine.has(p.pid) && p.line.includes(fragment)).map(p => p.line);
}

/** The process's working folder (Linux's /proc), or undefined where it cannot be read. */
function workingFolderOf(pid: number): string | undefined {
    try {
        return fs.readlinkSync(`/proc/${pid}/cwd`) + path.sep;
    } catch {
        return undefined;
    }
}

/**
 * Command lines of live processes anywhere on the machine that contain `fragment` and belong to
 * this checkout: they name a file under it, or run in it (the npm scripts name their files
 * relative to it, as in `node -r ./scripts/ts-register.js local/cli/start.ts`).
 */
export function checkoutProcessesMatching(fragment: string): string[] {
    return liveProcesses()
        .filter(p => p.line.includes(fragment) && (p.line.includes(CHECKOUT) || workingFolderOf(p.pid) === CHECKOUT))
        .map(p => p.line);
}

/** Polls `list` until it is empty or `timeoutMs` passed; returns what is left. */
export async function waitUntil(list: () => string[], timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let left = list();
    while (left.length > 0 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 100));
        left = list();
    }
    return left;
}

/** Polls until no process of this test process matches (processes exit asynchronously after their stack closed). */
export function waitUntilNoProcess(fragment: string, timeoutMs = 10_000): Promise<string[]> {
    return waitUntil(() => processesMatching(fragment), timeoutMs);
}

/** Whether a process with this pid still exists (signal 0 only checks). */
export function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch {
        return false;
    }
}

/**
 * What every local container's command line holds: the worker bundles the plan builds into the
 * project's cache (components/worker-context.ts), which the local runtime runs as containers.
 */
export const WORKER_PROCESS = path.join("fargate-activity-step", "workers") + path.sep;

/** What every local Lambda execution environment's command line holds. */
export const LAMBDA_HOST_PROCESS = path.join("local", "lambda", "host.js");
