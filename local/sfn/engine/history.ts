// Step Functions-shaped execution history, built from the library's event logs plus the events the
// engine's Task handlers record (Lambda/Activity scheduled, started, succeeded, ...).
//
// Ordering. The library's `eventLogs` is an async generator; events of Parallel branches and Map
// iterations reach it through one more async hop per nesting level, so the engine's handlers run
// (and record) a few microtasks *before* the `StateEntered` that caused them comes out of the
// generator. Each handler invocation is therefore "anchored": its events wait in a buffer until
// the library event that caused the call — the Task's `StateEntered`, or its `StateRetried` on a
// Task-level retry — has been appended, then follow it; later events of that invocation append
// directly. A handler is called synchronously right after that library event is dispatched, so by
// the time the anchor comes out of the generator, its invocation (if any) already exists.
import type { HistoryEvent, HistoryEventType } from "@aws-sdk/client-sfn";
import type { LibraryEvent } from "./library";
import { evaluateReferencePath } from "./reference-path";
import { DATA, json } from "./event-data";

export type { HistoryEvent, HistoryEventType };
export type HistoryListener = (event: HistoryEvent) => void;

/** What the history needs to know about the state machine's states. */
export interface StateLookup {
    get(name: string): any;
}

type Details = Omit<HistoryEvent, "id" | "previousEventId" | "timestamp" | "type">;

/** Events are shared with every reader and subscriber: nobody may change them. */
function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value)) deepFreeze(child);
    }
    return value;
}

/** One call of a Task handler: its events, anchored after the library event that caused it. */
export class Invocation {
    private static counter = 0;
    /** Creation order, for the final flush. */
    readonly seq = ++Invocation.counter;
    private anchored = false;
    private lastId = 0;
    private readonly buffer: { type: HistoryEventType; details: Details; at: number }[] = [];

    constructor(
        private readonly history: ExecutionHistory,
        readonly stateName: string,
    ) {}

    record(type: HistoryEventType, details: Details = {}): void {
        if (this.history.sealed) return;
        if (!this.anchored) {
            this.buffer.push({ type, details, at: Date.now() });
            return;
        }
        this.lastId = this.history.append(type, details, Date.now(), this.lastId).id!;
    }

    /** Id of this invocation's latest event (its anchor before it has any). */
    get lastEventId(): number {
        return this.lastId;
    }

    /** @internal */
    anchor(anchorId: number): void {
        if (this.anchored) return;
        this.anchored = true;
        this.lastId = anchorId;
        for (const { type, details, at } of this.buffer.splice(0)) {
            this.lastId = this.history.append(type, details, at, this.lastId).id!;
        }
    }
}

export class ExecutionHistory {
    readonly events: HistoryEvent[] = [];
    sealed = false;
    private readonly listeners = new Set<HistoryListener>();
    /** Invocations created but not yet anchored, per state name, oldest first. */
    private readonly unanchored = new Map<string, Invocation[]>();
    /** The latest anchored invocation per state name (a Task-level retry follows on from it). */
    private readonly latestInvocation = new Map<string, Invocation>();
    /** Parallel/Map states that failed in their current attempt (no *StateSucceeded on exit). */
    private readonly failedAttempt = new Set<string>();
    /** Name of the Fail state that failed the execution, if one did. */
    failState?: string;

    constructor(
        private readonly states: StateLookup,
        private readonly onAppend?: HistoryListener,
    ) {}

    subscribe(listener: HistoryListener): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** Appends an event; `previousEventId` defaults to the event before it. */
    append(type: HistoryEventType, details: Details = {}, at = Date.now(), previousEventId?: number): HistoryEvent {
        const last = this.events[this.events.length - 1];
        const id = this.events.length + 1;
        // Events can reach the history slightly out of timestamp order (see the note on top): keep
        // timestamps non-decreasing so elapsed times never go backwards.
        const time = last && last.timestamp!.getTime() > at ? last.timestamp!.getTime() : at;
        const event: HistoryEvent = deepFreeze({
            timestamp: new Date(time),
            type,
            id,
            previousEventId: previousEventId ?? id - 1,
            ...details,
        });
        this.events.push(event);
        this.onAppend?.(event);
        for (const listener of this.listeners) {
            try {
                listener(event);
            } catch {
                // A subscriber's failure must not break the execution.
            }
        }
        return event;
    }

    /** A Task handler was called for `stateName`. */
    beginInvocation(stateName: string): Invocation {
        const inv = new Invocation(this, stateName);
        const list = this.unanchored.get(stateName);
        if (list) list.push(inv);
        else this.unanchored.set(stateName, [inv]);
        return inv;
    }

    /**
     * Anchors the oldest unanchored invocation of `stateName` to the event just appended (its
     * StateEntered) or, on a Task-level retry, to the last event of the attempt that failed.
     */
    private anchorNext(stateName: string, retry: boolean): void {
        const list = this.unanchored.get(stateName);
        const inv = list?.shift();
        if (list && list.length === 0) this.unanchored.delete(stateName);
        if (!inv) return;
        const previous = retry ? this.latestInvocation.get(stateName) : undefined;
        inv.anchor(previous?.lastEventId || this.events.length);
        this.latestInvocation.set(stateName, inv);
    }

    /** Appends what the library reported, in Step Functions' terms. */
    onLibraryEvent(event: LibraryEvent): void {
        if (this.sealed) return;
        const at = event.timestamp;
        switch (event.type) {
            case "StateEntered": {
                const { name, type, input } = event.state;
                this.failState = undefined; // a Fail state that was caught does not decide the end
                this.append(
                    `${type}StateEntered` as HistoryEventType,
                    { stateEnteredEventDetails: { name, input: json(input), inputDetails: DATA } },
                    at,
                );
                if (type === "Task") this.anchorNext(name, false);
                if (type === "Parallel") this.startAttempt(name, at, "ParallelStateStarted");
                if (type === "Map") this.startAttempt(name, at, "MapStateStarted", this.mapLength(name, input));
                return;
            }
            case "StateExited": {
                const { name, type, output } = event.state;
                if ((type === "Parallel" || type === "Map") && !this.failedAttempt.delete(name)) {
                    this.append(type === "Parallel" ? "ParallelStateSucceeded" : "MapStateSucceeded", {}, at);
                }
                this.append(
                    `${type}StateExited` as HistoryEventType,
                    { stateExitedEventDetails: { name, output: json(output), outputDetails: DATA } },
                    at,
                );
                return;
            }
            case "StateFailed": {
                const { name, type } = event.state;
                if (type === "Fail") this.failState = name;
                if (type === "Parallel" || type === "Map") {
                    this.failedAttempt.add(name);
                    this.append(type === "Parallel" ? "ParallelStateFailed" : "MapStateFailed", {}, at);
                }
                // A Task's failure is told by its Lambda*/Activity* event; a Fail state's by ExecutionFailed.
                return;
            }
            case "StateRetried": {
                const { name, type, input } = event.state;
                if (type === "Task") this.anchorNext(name, true);
                if (type === "Parallel") this.startAttempt(name, at, "ParallelStateStarted");
                if (type === "Map") this.startAttempt(name, at, "MapStateStarted", this.mapLength(name, input));
                return;
            }
            case "MapIterationStarted":
            case "MapIterationSucceeded":
            case "MapIterationFailed": {
                const key =
                    `${event.type[0].toLowerCase()}${event.type.slice(1)}EventDetails` as "mapIterationStartedEventDetails";
                this.append(event.type, { [key]: { name: event.parentState.name, index: event.index } }, at);
                return;
            }
            default:
                // ExecutionStarted/Succeeded/Failed/Aborted/Timeout: the engine writes its own.
                // StateCaught, ParallelBranch*: no Step Functions event of their own.
                return;
        }
    }

    private startAttempt(
        name: string,
        at: number,
        type: "ParallelStateStarted" | "MapStateStarted",
        length?: number,
    ): void {
        this.failedAttempt.delete(name);
        if (type === "MapStateStarted")
            this.append(type, length === undefined ? {} : { mapStateStartedEventDetails: { length } }, at);
        else this.append(type, {}, at);
    }

    /** Number of items a Map state will iterate over, when its paths are simple enough to tell. */
    private mapLength(name: string, rawInput: unknown): number | undefined {
        const state = this.states.get(name);
        if (!state) return undefined;
        let value: unknown = rawInput;
        if (typeof state.InputPath === "string") {
            const r = evaluateReferencePath(state.InputPath, value);
            if (!r.found) return undefined;
            value = r.value;
        }
        if (typeof state.ItemsPath === "string") {
            const r = evaluateReferencePath(state.ItemsPath, value);
            if (!r.found) return undefined;
            value = r.value;
        }
        return Array.isArray(value) ? value.length : undefined;
    }

    /**
     * Ends the history: events of invocations whose anchor never came out of the library (it
     * stops forwarding once the execution is over) follow in the order they were recorded, then
     * the terminal event. Nothing is appended afterwards.
     */
    seal(type: HistoryEventType, details: Details = {}, at = Date.now()): HistoryEvent {
        const pending = [...this.unanchored.values()].flat().sort((a, b) => a.seq - b.seq);
        this.unanchored.clear();
        for (const inv of pending) inv.anchor(this.events.length);
        const event = this.append(type, details, at);
        this.sealed = true;
        this.listeners.clear();
        return event;
    }
}

/** Removes input/output from an event's details (GetExecutionHistory with includeExecutionData false). */
export function withoutExecutionData(event: HistoryEvent): HistoryEvent {
    const copy: any = { ...event };
    for (const [key, value] of Object.entries(copy)) {
        if (key.endsWith("EventDetails") && value && typeof value === "object") {
            const details: any = { ...value };
            for (const field of ["input", "inputDetails", "output", "outputDetails", "parameters"])
                delete details[field];
            copy[key] = details;
        }
    }
    return copy;
}
