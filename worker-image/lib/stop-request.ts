// A stop request (the shutdown signal aborting, on SIGTERM): when it came decides what the poll
// loop does next and how long reports may still take.
import type { Logger } from "./log";

export interface StopRequest {
    /** When the stop was requested (from `now`), or undefined while none was. */
    readonly requestedAt: number | undefined;
    /** Stops listening (at exit). */
    dispose(): void;
}

export function watchForStop(shutdown: AbortSignal | undefined, now: () => number, log: Logger): StopRequest {
    let requestedAt: number | undefined;
    const onStop = () => {
        requestedAt = now();
        log.info("worker.stopping", { signal: typeof shutdown?.reason === "string" ? shutdown.reason : undefined });
    };
    if (shutdown?.aborted) onStop();
    else shutdown?.addEventListener("abort", onStop, { once: true });
    return {
        get requestedAt() {
            return requestedAt;
        },
        dispose: () => shutdown?.removeEventListener("abort", onStop),
    };
}
