// The line under npm start's live table, on a terminal only: what the execution waits on (the
// trigger starting a container, a worker to take the task, the job) and for how long, redrawn in
// place. The rows above it are exactly the non-terminal output; --json never draws it.
import { HistoryEvent } from "../sfn/engine";

/** What the execution's newest event says it now waits on, or undefined when it waits on nothing worth showing. */
export function waitingOn(event: HistoryEvent, state: string, container?: string): string | undefined {
    const d = event as any;
    const where = state ? `${state}: ` : "";
    const inContainer = container ? ` (container ${container})` : "";
    switch (event.type) {
        case "LambdaFunctionScheduled":
        case "LambdaFunctionStarted":
            return `${where}Lambda running${inContainer}`;
        case "ActivityScheduled":
            return `${where}waiting for a worker to take the task${inContainer}`;
        case "ActivityStarted":
            return `${where}job running on worker ${shortName(d.activityStartedEventDetails?.workerName ?? "?")}`;
        case "WaitStateEntered":
            return `${where}waiting (Wait state)`;
        case "ActivityFailed":
        case "ActivityTimedOut":
        case "LambdaFunctionFailed":
        case "LambdaFunctionTimedOut":
            return `${where}failed; waiting for the retry or the catch`;
        default:
            return undefined;
    }
}

/** A worker's name as the line shows it: a task id's first 8 digits are enough to tell it apart. */
function shortName(name: string): string {
    return /^[0-9a-f]{32}$/.test(name) ? name.slice(0, 8) : name;
}

export function formatWait(text: string, waitedMs: number, columns = 100): string {
    const line = `  … ${(waitedMs / 1000).toFixed(1)}s  ${text}`;
    return line.length <= columns - 1 ? line : `${line.slice(0, columns - 2)}…`;
}

const CLEAR_LINE = "\r\x1b[2K";

/**
 * Rows go through `row`; between rows the wait line is redrawn every `everyMs` once the wait is
 * longer than `afterMs` (quick steps do not flicker).
 */
export class ProgressLine {
    private last?: { event: HistoryEvent; state: string; at: number };
    private shown = false;
    private readonly timer: NodeJS.Timeout;

    constructor(
        private readonly write: (text: string) => void,
        private readonly container: () => string | undefined,
        private readonly columns: () => number = () => 100,
        options: { everyMs?: number; afterMs?: number } = {},
    ) {
        const afterMs = options.afterMs ?? 1000;
        this.timer = setInterval(() => this.draw(afterMs), options.everyMs ?? 250);
        this.timer.unref();
    }

    /** Writes a table row above the wait line. */
    row(text: string, event: HistoryEvent, state: string): void {
        this.clear();
        this.write(text + "\n");
        this.last = { event, state, at: Date.now() };
    }

    private draw(afterMs: number): void {
        if (!this.last) return;
        const waited = Date.now() - this.last.at;
        const text = waitingOn(this.last.event, this.last.state, this.container());
        if (!text || waited < afterMs) return this.clear();
        this.write(CLEAR_LINE + formatWait(text, waited, this.columns()));
        this.shown = true;
    }

    private clear(): void {
        if (this.shown) this.write(CLEAR_LINE);
        this.shown = false;
    }

    /** Removes the wait line for good. */
    stop(): void {
        clearInterval(this.timer);
        this.last = undefined;
        this.clear();
    }
}
