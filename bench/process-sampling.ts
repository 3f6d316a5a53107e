// What the scale benchmarks measure about processes: peak resident memory of this process's
// descendants (workers, Lambda hosts), sampled: RSS from `ps -o rss` (counts the pages every node
// process shares once per process) and PSS from /proc/<pid>/smaps_rollup (counts them once); and
// CPU seconds of this process and its ended children (/proc/self/stat).
import { execFile } from "child_process";
import * as fs from "fs";

export const SAMPLE_EVERY_MS = 250;

/**
 * Proportional set size (KiB) of a process: shared pages (the node binary) counted once overall.
 * Read off the event loop: reading smaps_rollup waits on the process's memory map lock, which a
 * starting process holds while it faults its pages in; read synchronously, 100 of them blocked
 * this process (the floor's endpoint, the SDK clients under measurement) for seconds per round.
 */
async function pssKiB(pid: number): Promise<number> {
    try {
        const m = /^Pss:\s+(\d+) kB/m.exec(await fs.promises.readFile(`/proc/${pid}/smaps_rollup`, "utf8"));
        return m ? Number(m[1]) : 0;
    } catch {
        return 0; // gone already, or no /proc
    }
}

/**
 * CPU seconds of a process (default this one) plus its children that have exited and been waited
 * for (/proc/<pid>/stat); 0 for another process that cannot be read.
 */
export function cpuSeconds(pid: number | "self" = "self"): number {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        // fields 14..17 of the stat line (utime, stime, cutime, cstime) are f[11..14]; clock ticks of 1/100 s
        return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / 100;
    } catch {
        if (pid !== "self") return 0;
        const u = process.resourceUsage();
        return (u.userCPUTime + u.systemCPUTime) / 1e6;
    }
}

/** Sum of the resident memory (KiB; RSS and PSS) of every descendant of this process, from one `ps` call. */
export function descendantsRssKiB(): Promise<{ kib: number; pss: number; count: number }> {
    return new Promise(resolve => {
        const ps = execFile("ps", ["-eo", "pid=,ppid=,rss="], { timeout: 5000 }, (err, stdout) => {
            if (err) return resolve({ kib: 0, pss: 0, count: 0 });
            const children = new Map<number, Array<{ pid: number; rss: number }>>();
            for (const line of stdout.split("\n")) {
                const [pid, ppid, rss] = line.trim().split(/\s+/).map(Number);
                if (!Number.isFinite(pid)) continue;
                (children.get(ppid) ?? children.set(ppid, []).get(ppid)!).push({ pid, rss });
            }
            const descendants: Array<{ pid: number; rss: number }> = [];
            const stack = [process.pid];
            while (stack.length > 0) {
                for (const child of children.get(stack.pop()!) ?? []) {
                    if (child.pid === ps.pid) continue; // the ps we just ran is our child too
                    descendants.push(child);
                    stack.push(child.pid);
                }
            }
            Promise.all(descendants.map(d => pssKiB(d.pid))).then(pss =>
                resolve({
                    kib: descendants.reduce((sum, d) => sum + d.rss, 0),
                    pss: pss.reduce((sum, x) => sum + x, 0),
                    count: descendants.length,
                }),
            );
        });
    });
}

export interface MemoryPeak {
    peakKiB: number;
    peakPssKiB: number;
    peakProcesses: number;
}

/**
 * Samples descendants' memory until stopped; resolves with the peak sums and the most processes seen.
 * Not `enabled`: samples nothing and resolves with zeros. Sampling costs CPU (a `ps` and a read of
 * every process's smaps_rollup, four times a second): timed rounds go without it.
 */
export function sampleChildren(enabled = true): { stop(): Promise<MemoryPeak> } {
    if (!enabled) return { stop: async () => ({ peakKiB: 0, peakPssKiB: 0, peakProcesses: 0 }) };
    let peakKiB = 0;
    let peakPssKiB = 0;
    let peakProcesses = 0;
    let running = true;
    const loop = (async () => {
        while (running) {
            const { kib, pss, count } = await descendantsRssKiB();
            peakKiB = Math.max(peakKiB, kib);
            peakPssKiB = Math.max(peakPssKiB, pss);
            peakProcesses = Math.max(peakProcesses, count);
            await new Promise(r => setTimeout(r, SAMPLE_EVERY_MS));
        }
    })();
    return {
        async stop() {
            running = false;
            await loop;
            return { peakKiB, peakPssKiB, peakProcesses };
        },
    };
}

export const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;
