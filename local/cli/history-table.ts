// The execution history as the console shows it: one readable row per event (id, elapsed, type,
// state, short detail). Pure: the CLI feeds it events as they happen.
import { HistoryEvent } from "../sfn/engine";

export interface HistoryRow {
    id: number;
    elapsed: string;
    type: string;
    state: string;
    detail: string;
}

const MAX_DETAIL = 80;

function short(text: string | undefined, max = MAX_DETAIL): string {
    if (!text) return "";
    const flat = text.replace(/\s+/g, " ");
    return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

function functionName(arn: string | undefined): string {
    return arn?.split(":function:")[1]?.split(":")[0] ?? arn ?? "";
}

function failure(details: { error?: string; cause?: string } | undefined): string {
    if (!details) return "";
    return short([details.error, details.cause].filter(Boolean).join(": "));
}

/** The short detail of one event: what a reader wants to see in the row. */
export function eventDetail(e: HistoryEvent): string {
    const d = e as any;
    switch (e.type) {
        case "ExecutionStarted":
            return `input ${short(d.executionStartedEventDetails?.input)}`;
        case "ExecutionSucceeded":
            return `output ${short(d.executionSucceededEventDetails?.output)}`;
        case "LambdaFunctionScheduled":
            return functionName(d.lambdaFunctionScheduledEventDetails?.resource);
        case "LambdaFunctionSucceeded":
            return short(d.lambdaFunctionSucceededEventDetails?.output);
        case "ActivityScheduled": {
            const s = d.activityScheduledEventDetails ?? {};
            return [
                s.timeoutInSeconds && `timeout ${s.timeoutInSeconds}s`,
                s.heartbeatInSeconds && `heartbeat ${s.heartbeatInSeconds}s`,
            ]
                .filter(Boolean)
                .join(", ");
        }
        case "ActivityStarted":
            return `worker ${d.activityStartedEventDetails?.workerName ?? "?"}`;
        case "ActivitySucceeded":
            return short(d.activitySucceededEventDetails?.output);
        default: {
            // Every *Failed / *TimedOut / *Aborted event carries error and cause in its details.
            const key = Object.keys(d).find(k => k.endsWith("EventDetails"));
            const details = key ? d[key] : undefined;
            if (details && (details.error !== undefined || details.cause !== undefined)) return failure(details);
            return "";
        }
    }
}

/** A state entered and not yet exited: Parallel and Map states hold the states of their branches. */
interface OpenState {
    name: string;
    /** "Parallel", "Map", "Task"… from the event type. */
    type: string;
}

const CONTAINER_EVENT = /^(Parallel|Map)State(Started|Succeeded|Failed|Aborted)$/;

/**
 * Tracks which state each event belongs to. A state's own events name it; a Parallel's or Map's
 * Started/Succeeded/Failed events name the innermost open Parallel or Map (a failed branch's
 * states never exit: they close with it); a Task's Lambda and activity events name the state their
 * previousEventId leads to (branches run side by side); execution events name none.
 */
export class HistoryTable {
    private readonly open: OpenState[] = [];
    private readonly stateOf = new Map<number, string>();
    private startedAt?: number;

    row(e: HistoryEvent): HistoryRow {
        const time = new Date(e.timestamp as any).getTime();
        this.startedAt ??= time;
        const type = e.type ?? "";
        const state = this.stateFor(e, type);
        if (e.id !== undefined) this.stateOf.set(e.id, state);
        return {
            id: e.id ?? 0,
            elapsed: `${((time - this.startedAt) / 1000).toFixed(3)}s`,
            type,
            state,
            detail: eventDetail(e),
        };
    }

    private stateFor(e: HistoryEvent, type: string): string {
        const d = e as any;
        if (type.startsWith("Execution")) return "";
        if (type.endsWith("StateEntered")) {
            const name = d.stateEnteredEventDetails?.name ?? "";
            this.open.push({ name, type: type.slice(0, -"StateEntered".length) });
            return name;
        }
        if (type.endsWith("StateExited")) {
            const name = d.stateExitedEventDetails?.name ?? "";
            const at = this.open.map(s => s.name).lastIndexOf(name);
            if (at >= 0) this.open.splice(at);
            return name;
        }
        const container = CONTAINER_EVENT.exec(type);
        if (container) {
            const at = this.open.map(s => s.type).lastIndexOf(container[1]);
            if (at < 0) return "";
            // A new attempt or the end of one: the states of its branches are over.
            this.open.splice(at + 1);
            return this.open[at].name;
        }
        if (type.startsWith("MapIteration")) {
            const key = `${type[0].toLowerCase()}${type.slice(1)}EventDetails`;
            return d[key]?.name ?? "";
        }
        return this.stateOf.get(e.previousEventId ?? -1) ?? this.open[this.open.length - 1]?.name ?? "";
    }
}

export const COLUMNS = { id: 4, elapsed: 9, type: 26, state: 16 };

export function formatRow(r: Omit<HistoryRow, "id"> & { id: number | string }): string {
    return [
        String(r.id).padStart(COLUMNS.id),
        r.elapsed.padStart(COLUMNS.elapsed),
        r.type.padEnd(COLUMNS.type),
        r.state.padEnd(COLUMNS.state),
        r.detail,
    ]
        .join("  ")
        .trimEnd();
}

export function formatHeader(): string {
    return formatRow({ id: "ID", elapsed: "ELAPSED", type: "TYPE", state: "STATE", detail: "DETAIL" });
}
