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
//
// previousEventId follows ./event-sources.ts. A Parallel or Map attempt that fails and is retried
// records no ParallelStateFailed/MapStateFailed (the next attempt's *StateStarted follows the failed
// branch's last event), as AWS records it in the histories LocalStack snapshots
// (test_parallel_state_retry, test_map_state_retry): the failure event waits until the library
// tells whether the state is retried.
import type { HistoryEvent, HistoryEventType } from "@aws-sdk/client-sfn";
import type { LibraryEvent } from "./library";
import { DATA, json, mapItemCount } from "./event-data";
import { EventSources } from "./event-sources";
import { Invocation } from "./history-invocation";
import { fitsInHistory } from "./history-limit";

export type { HistoryEvent, HistoryEventType };
export type HistoryListener = (event: HistoryEvent) => void;

/** What the history needs to know about the state machine's states. */
export interface StateLookup {
    get(name: string): any;
}

export type Details = Omit<HistoryEvent, "id" | "previousEventId" | "timestamp" | "type">;

/** Events are shared with every reader and subscriber: nobody may change them. */
function deepFreeze<T>(value: T): T {
    if (value && typeof value === "object" && !Object.isFrozen(value)) {
        Object.freeze(value);
        for (const child of Object.values(value)) deepFreeze(child);
    }
    return value;
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
    /** Parallel/Map failures not yet recorded: recorded unless the library retries the state. */
    private readonly pendingFailures: { name: string; type: "Parallel" | "Map"; frame: string; at: number }[] = [];
    private readonly sources: EventSources;
    /** Name of the Fail state that failed the execution, if one did. */
    failState?: string;
    /** Reached AWS's limit (./history-limit.ts): from now on only the terminal event is recorded. */
    full = false;
    private onFull?: () => void;

    /** `definition`: the state machine's, for where each state's events point (see ./event-sources.ts). */
    constructor(
        private readonly states: StateLookup,
        private readonly onAppend?: HistoryListener,
        definition?: unknown,
    ) {
        this.sources = new EventSources(definition);
    }

    /** `callback` runs once, when the first event that does not fit is refused (the execution must then fail). */
    whenFull(callback: () => void): void {
        this.onFull = callback;
    }

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
        if (!fitsInHistory(this.events.length, type)) {
            // Not recorded: the caller gets the event back (for its id), nobody else sees it.
            if (!this.full) {
                this.full = true;
                this.onFull?.();
            }
            return event;
        }
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

    /** Appends an event of `frame`, pointing at `previousEventId` or else at the frame's latest event. */
    appendInFrame(
        frame: string,
        type: HistoryEventType,
        details: Details = {},
        at = Date.now(),
        previousEventId?: number,
    ): HistoryEvent {
        const event = this.append(type, details, at, previousEventId ?? this.sources.source(frame));
        this.sources.advance(frame, event.id!);
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
    private anchorNext(stateName: string, retry: boolean, frame: string): void {
        const list = this.unanchored.get(stateName);
        const inv = list?.shift();
        if (list && list.length === 0) this.unanchored.delete(stateName);
        if (!inv) return;
        const previous = retry ? this.latestInvocation.get(stateName) : undefined;
        inv.anchor(previous?.lastEventId || this.events.length, frame);
        this.latestInvocation.set(stateName, inv);
    }

    /** Appends what the library reported, in Step Functions' terms. */
    onLibraryEvent(event: LibraryEvent): void {
        if (this.sealed || this.full) return;
        // The library may still report events of a failed attempt's branches or iterations first.
        const container =
            "parentState" in event
                ? event.parentState.name
                : "state" in event
                  ? this.sources.containerOf(event.state.name)
                  : undefined;
        this.recordPendingFailures(event.type === "StateRetried" ? event.state.name : undefined, container);
        const at = event.timestamp;
        switch (event.type) {
            case "StateEntered": {
                const { name, type, input } = event.state;
                const frame = this.sources.frameOf(name, event.index);
                this.failState = undefined; // a Fail state that was caught does not decide the end
                this.appendInFrame(
                    frame,
                    `${type}StateEntered` as HistoryEventType,
                    { stateEnteredEventDetails: { name, input: json(input), inputDetails: DATA } },
                    at,
                );
                if (type === "Task") this.anchorNext(name, false, frame);
                if (type === "Parallel" || type === "Map") this.startAttempt(name, type, frame, at, input);
                return;
            }
            case "StateExited": {
                const { name, type, output } = event.state;
                const frame = this.sources.frameOf(name, event.index);
                if ((type === "Parallel" || type === "Map") && !this.failedAttempt.delete(name)) {
                    const latest = this.latestOf(name, type, false);
                    this.append(type === "Parallel" ? "ParallelStateSucceeded" : "MapStateSucceeded", {}, at, latest);
                    this.sources.advance(frame, latest); // *StateExited skips *StateSucceeded
                }
                this.appendInFrame(
                    frame,
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
                    this.pendingFailures.push({ name, type, frame: this.sources.frameOf(name, event.index), at });
                }
                // A Task's failure is told by its Lambda*/Activity* event; a Fail state's by ExecutionFailed.
                return;
            }
            case "StateRetried": {
                const { name, type, input } = event.state;
                const frame = this.sources.frameOf(name, event.index);
                if (type === "Task") this.anchorNext(name, true, frame);
                if (type === "Parallel" || type === "Map") {
                    this.sources.advance(frame, this.latestOf(name, type, true));
                    this.startAttempt(name, type, frame, at, input);
                }
                return;
            }
            case "MapIterationStarted":
            case "MapIterationSucceeded":
            case "MapIterationFailed":
                this.mapIterationEvent(event.type, event.parentState.name, event.index, at);
                return;
            default:
                // ExecutionStarted/Succeeded/Failed/Aborted/Timeout: the engine writes its own.
                // StateCaught, ParallelBranch*: no Step Functions event of their own.
                return;
        }
    }

    /** The latest event a Parallel's or Map's attempt ended on (see ./event-sources.ts). */
    private latestOf(name: string, type: string, failed: boolean): number {
        if (type === "Map") return this.sources.mapEnd(name, failed);
        return this.sources.parallelLatest(name, this.branchCount(name));
    }

    private branchCount(name: string): number {
        const branches = this.states.get(name)?.Branches;
        return Array.isArray(branches) ? branches.length : 0;
    }

    /**
     * Records the Parallel/Map failures the library reported, unless the state is now retried
     * (`retried`): AWS records no failure event for an attempt that is retried. A failure waits
     * while the events are still those of its own branches or iterations (`container`).
     */
    private recordPendingFailures(retried?: string, container?: string): void {
        const waiting = this.pendingFailures.filter(f => f.name === container);
        for (const failure of this.pendingFailures.splice(0)) {
            if (failure.name === retried || waiting.includes(failure)) continue;
            const latest = this.latestOf(failure.name, failure.type, true);
            const type = failure.type === "Parallel" ? "ParallelStateFailed" : "MapStateFailed";
            this.appendInFrame(failure.frame, type, {}, failure.at, latest);
        }
        this.pendingFailures.push(...waiting);
    }

    private mapIterationEvent(
        type: "MapIterationStarted" | "MapIterationSucceeded" | "MapIterationFailed",
        mapName: string,
        index: number,
        at: number,
    ): void {
        const key = `${type[0].toLowerCase()}${type.slice(1)}EventDetails` as "mapIterationStartedEventDetails";
        const details = { [key]: { name: mapName, index } };
        const frame = `${mapName}[${index}]`;
        if (type === "MapIterationStarted") {
            this.appendInFrame(frame, type, details, at, this.sources.mapLatest(mapName));
            return;
        }
        // An iteration's end is not an event of its sequence: what follows points past it.
        const event = this.append(type, details, at, this.sources.source(frame));
        this.sources.mapIterationEnded(mapName, frame, event.id!, type === "MapIterationFailed");
    }

    private startAttempt(name: string, type: "Parallel" | "Map", frame: string, at: number, input: unknown): void {
        this.failedAttempt.delete(name);
        if (type === "Map") {
            const length = mapItemCount(this.states.get(name), input);
            const event = this.appendInFrame(
                frame,
                "MapStateStarted",
                length === undefined ? {} : { mapStateStartedEventDetails: { length } },
                at,
            );
            this.sources.mapStarted(name, event.id!);
        } else {
            const event = this.appendInFrame(frame, "ParallelStateStarted", {}, at);
            this.sources.parallelStarted(name, this.branchCount(name), event.id!);
        }
    }

    /**
     * Ends the history: events of invocations whose anchor never came out of the library (it
     * stops forwarding once the execution is over) follow in the order they were recorded, then
     * the terminal event. Nothing is appended afterwards.
     */
    seal(type: HistoryEventType, details: Details = {}, at = Date.now()): HistoryEvent {
        this.recordPendingFailures();
        const pending = [...this.unanchored.values()].flat().sort((a, b) => a.seq - b.seq);
        this.unanchored.clear();
        for (const inv of pending) inv.anchor(this.events.length);
        // ExecutionAborted points at 0, as in LocalStack's snapshot of StopExecution recorded against
        // AWS (test_sfn_api.py::test_stop_execution); the other ends follow the top level's last event.
        const event = this.append(type, details, at, type === "ExecutionAborted" ? 0 : this.sources.source(""));
        this.sealed = true;
        this.listeners.clear();
        return event;
    }
}
