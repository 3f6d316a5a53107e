// Which processes of ours are alive: a test that starts workers or Lambda hosts must end them all.
import { execFileSync } from "child_process";
import * as path from "path";

/**
 * This checkout's root: every process the tests start runs a file under it (a Lambda host, a
 * worker bundle in its node_modules/.cache), so the checks below see only this checkout's
 * processes, not those of another checkout's tests running on the same machine.
 */
const CHECKOUT = path.resolve(__dirname, "..", "..") + path.sep;

/** Command lines of live processes of this checkout whose arguments contain `fragment` (ps is on every Debian). */
export function processesMatching(fragment: string): string[] {
    const out = execFileSync("ps", ["-eo", "pid=,stat=,args="], { encoding: "utf8" });
    return out
        .split("\n")
        .filter(
            line =>
                line.includes(fragment) &&
                line.includes(CHECKOUT) &&
                !/\sZ/.test(line.slice(0, 16)) &&
                !line.includes("ps -eo"),
        );
}

/** Polls until no process matches (processes exit asynchronously after their stack closed). */
export async function waitUntilNoProcess(fragment: string, timeoutMs = 10_000): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    let left = processesMatching(fragment);
    while (left.length > 0 && Date.now() < deadline) {
        await new Promise(r => setTimeout(r, 100));
        left = processesMatching(fragment);
    }
    return left;
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
