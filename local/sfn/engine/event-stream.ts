// An execution's history as a stream: every event already recorded, then each new one as it is
// appended, through the terminal event (LocalStepFunctions.subscribe and .watch).
import type { ExecutionHistory, HistoryEvent } from "./history";
import { TERMINAL_EVENTS } from "./history-limit";

/**
 * Calls `listener` for every event of the history: those already recorded (unless
 * `replay: false`), then each new one as it is appended. Answers the unsubscribe.
 */
export function subscribeToHistory(
    history: ExecutionHistory,
    listener: (event: HistoryEvent) => void,
    options: { replay?: boolean } = {},
): () => void {
    if (options.replay !== false) for (const event of [...history.events]) listener(event);
    if (history.sealed) return () => undefined;
    return history.subscribe(listener);
}

/** The events `subscribe` delivers, as an async iterator that ends after the terminal event. */
export function watchEvents(
    subscribe: (listener: (event: HistoryEvent) => void) => () => void,
): AsyncIterableIterator<HistoryEvent> {
    const queue: HistoryEvent[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    const unsubscribe = subscribe(event => {
        queue.push(event);
        wake?.();
    });
    const iterator: AsyncIterableIterator<HistoryEvent> = {
        [Symbol.asyncIterator]: () => iterator,
        next: async () => {
            while (!finished) {
                const event = queue.shift();
                if (event) {
                    if (TERMINAL_EVENTS.has(event.type!)) {
                        finished = true;
                        unsubscribe();
                    }
                    return { value: event, done: false };
                }
                await new Promise<void>(resolve => (wake = resolve));
                wake = undefined;
            }
            return { value: undefined, done: true };
        },
        return: async () => {
            finished = true;
            unsubscribe();
            wake?.();
            return { value: undefined, done: true };
        },
    };
    return iterator;
}
