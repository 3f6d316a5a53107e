// The floor of the scale benchmarks: `n` worker bundles started at once against a separate local
// endpoint (startFloorEndpoint), timed from the first spawn until every one of them has sent its
// first GetActivityTask; the workers are then killed.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { exited, FloorEndpoint, withTimeout } from "./orchestration.bench";
import { cpuSeconds, MemoryPeak, sampleChildren } from "./process-sampling";

export interface Measured extends MemoryPeak {
    ms: number;
    /** CPU seconds used meanwhile by this process and the children that ended. */
    cpu: number;
}

/**
 * Starts `n` workers at once; ms from the first spawn until every one of them has polled. Samples
 * their memory unless `sampleMemory` is false.
 */
export async function startManyWorkers(
    floor: FloorEndpoint,
    n: number,
    timeoutMs = 180_000,
    { sampleMemory = true }: { sampleMemory?: boolean } = {},
): Promise<Measured> {
    const tag = `scale-${Date.now()}-`;
    const polled = new Set<string>();
    let last = 0;
    let resolveAll!: () => void;
    const all = new Promise<void>(resolve => (resolveAll = resolve));
    // The endpoint has no event API: scan its request log (a few hundred records).
    let scanned = floor.ep.requests.length;
    const scan = setInterval(() => {
        const requests = floor.ep.requests;
        for (; scanned < requests.length; scanned++) {
            const { operation, body, time } = requests[scanned];
            const name = (body as any)?.workerName;
            if (
                operation !== "GetActivityTask" ||
                typeof name !== "string" ||
                !name.startsWith(tag) ||
                polled.has(name)
            )
                continue;
            polled.add(name);
            last = Math.max(last, time);
            if (polled.size === n) resolveAll();
        }
    }, 5);
    const sampler = sampleChildren(sampleMemory);
    const children: ChildProcess[] = [];
    const cpu0 = cpuSeconds();
    const t0 = Date.now();
    try {
        for (let i = 0; i < n; i++) {
            children.push(
                spawn(process.execPath, [floor.bundle], {
                    env: { ...floor.env, WORKER_NAME: `${tag}${i}` },
                    cwd: path.dirname(floor.bundle),
                    stdio: "ignore",
                }),
            );
        }
        await withTimeout(all, timeoutMs, `${n} workers' first polls`);
        const ms = last - t0;
        const memory = await sampler.stop();
        for (const child of children) child.kill("SIGKILL");
        await Promise.all(children.map(exited));
        return { ms, cpu: cpuSeconds() - cpu0, ...memory };
    } finally {
        clearInterval(scan);
        await sampler.stop();
        for (const child of children) child.kill("SIGKILL");
        await Promise.all(children.map(exited));
    }
}
