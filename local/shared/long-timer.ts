// A timer for any delay. Node's timers hold at most 2^31-1 ms (about 24.8 days) and fire after 1 ms
// beyond that (https://nodejs.org/api/timers.html#settimeoutcallback-delay-args), while AWS's
// clocks run for up to 99,999,999 s: wait in steps towards a fixed due time.

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Calls `fire` once `delayMs` have passed; returns the cancel. An unref'd timer keeps no process alive. */
export function longTimer(delayMs: number, fire: () => void, options: { unref?: boolean } = {}): () => void {
    const dueAt = Date.now() + delayMs;
    let handle: NodeJS.Timeout | undefined;
    const arm = (): void => {
        const remaining = dueAt - Date.now();
        if (remaining <= 0) return fire();
        handle = setTimeout(arm, Math.min(remaining, MAX_TIMER_MS));
        if (options.unref) handle.unref();
    };
    arm();
    return () => clearTimeout(handle);
}
