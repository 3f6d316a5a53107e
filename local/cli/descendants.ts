// The last resort of a stop that did not finish in time: every process below this one (Lambda
// hosts, worker containers, esbuild's service, their own children) killed at once. `ps` lists them
// on Linux and macOS alike; the orderly close (LocalStack.close) is the normal path.
import { execFileSync } from "child_process";

/** Process ids below `root`, children before their own children. */
export function descendantsOf(root: number, table = processTable()): number[] {
    const children = new Map<number, number[]>();
    for (const [pid, ppid] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    const found: number[] = [];
    const queue = [...(children.get(root) ?? [])];
    while (queue.length > 0) {
        const pid = queue.shift()!;
        if (found.includes(pid)) continue;
        found.push(pid);
        queue.push(...(children.get(pid) ?? []));
    }
    return found;
}

/** [pid, parent pid] of every process, or none when `ps` cannot run. */
export function processTable(): [number, number][] {
    try {
        return execFileSync("ps", ["-A", "-o", "pid=,ppid="], { encoding: "utf8", timeout: 2000 })
            .split("\n")
            .map(line => line.trim().split(/\s+/).map(Number))
            .filter(([pid, ppid]) => Number.isInteger(pid) && Number.isInteger(ppid))
            .map(([pid, ppid]) => [pid, ppid]);
    } catch {
        return [];
    }
}

/** SIGKILL to every process below `root`; returns how many were signalled. */
export function killDescendants(root: number): number {
    let killed = 0;
    for (const pid of descendantsOf(root)) {
        try {
            process.kill(pid, "SIGKILL");
            killed++;
        } catch {
            // already gone
        }
    }
    return killed;
}
