// How long `npm start` lives: until SIGINT (Ctrl-C), SIGTERM (`kill`, `kill $!`), SIGHUP (the
// terminal closed) or the death of its parent (npm killed, an editor's task runner gone), which a
// watchdog notices because the process is then adopted by another (its parent id changes). The
// npm scripts `exec` the runtime, so npm's signals reach it and not a shell in between. Whatever
// ends it, the runtime then has a few seconds to close the stack; if it has not exited by the
// deadline, every process it started is killed and it exits anyway.
import { killDescendants } from "./descendants";

export type StopReason = NodeJS.Signals | "parent-gone";

export const STOP_SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

export interface LifetimeOptions {
    /** From the first stop to the forced exit. Default 4 s: within the 5 s a clean stop promises. */
    deadlineMs?: number;
    /** How often the watchdog looks at the parent. Default 250 ms. */
    pollMs?: number;
    /** Told once, when the deadline forces the exit. */
    onDeadline?: (reason: StopReason) => void;
}

export interface Lifetime {
    /** Resolves with the first reason to stop. */
    readonly stopped: Promise<StopReason>;
    /** Why it is stopping, once it is. */
    readonly reason: StopReason | undefined;
    /** Removes the handlers, the watchdog and the deadline (for tests: the runtime keeps them to its end). */
    dispose(): void;
}

/** The exit code of a process ended by `reason`, as a shell reports it (128 + the signal's number). */
export function exitCodeFor(reason: StopReason): number {
    return reason === "SIGINT" ? 130 : reason === "SIGHUP" ? 129 : 143;
}

export function watchLifetime(options: LifetimeOptions = {}): Lifetime {
    const deadlineMs = options.deadlineMs ?? 4000;
    const parent = process.ppid;
    let reason: StopReason | undefined;
    let deadline: NodeJS.Timeout | undefined;
    let resolveStopped!: (reason: StopReason) => void;
    const stopped = new Promise<StopReason>(resolve => (resolveStopped = resolve));

    const forceExit = (why: StopReason) => {
        options.onDeadline?.(why);
        killDescendants(process.pid);
        process.exit(exitCodeFor(why));
    };
    const stop = (why: StopReason) => {
        if (reason !== undefined) {
            // A second Ctrl-C (or any second reason): the user does not want to wait.
            if (why !== "parent-gone") forceExit(why);
            return;
        }
        reason = why;
        deadline = setTimeout(() => forceExit(why), deadlineMs);
        deadline.unref();
        resolveStopped(why);
    };
    const handlers = STOP_SIGNALS.map(signal => {
        const handler = () => stop(signal);
        process.on(signal, handler);
        return [signal, handler] as const;
    });
    const watchdog = setInterval(() => {
        if (process.ppid !== parent || !alive(parent)) stop("parent-gone");
    }, options.pollMs ?? 250);
    watchdog.unref();

    return {
        stopped,
        get reason() {
            return reason;
        },
        dispose() {
            clearInterval(watchdog);
            clearTimeout(deadline);
            for (const [signal, handler] of handlers) process.off(signal, handler);
        },
    };
}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (err: any) {
        return err?.code === "EPERM";
    }
}
