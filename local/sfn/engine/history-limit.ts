// AWS's hard quota on an execution's history: 25,000 events. "When an execution reaches 24,999
// events, it waits for the next event to happen. If the event number 25,000 is ExecutionSucceeded,
// the execution finishes successfully. If the event number 25,000 isn't ExecutionSucceeded, the
// ExecutionFailed event is logged and the state machine execution fails because of reaching the
// history limit." (https://docs.aws.amazon.com/step-functions/latest/dg/bp-history-limit.html,
// quota "Maximum execution history size": https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html)
import type { HistoryEventType } from "@aws-sdk/client-sfn";

/** The most events an execution's history holds. */
export const HISTORY_EVENT_LIMIT = 25_000;

/**
 * What an execution that reaches the limit fails with: the error and cause AWS reports in the
 * ExecutionFailed event (as users of Step Functions quote it, e.g. github.com/loads/ardere/issues/86).
 */
export const HISTORY_LIMIT_FAILURE = {
    error: "States.Runtime",
    cause: `The execution reached the maximum number of history events (${HISTORY_EVENT_LIMIT}).`,
} as const;

/** The events that end an execution. */
export const TERMINAL_EVENTS: ReadonlySet<HistoryEventType | string> = new Set([
    "ExecutionSucceeded",
    "ExecutionFailed",
    "ExecutionTimedOut",
    "ExecutionAborted",
]);

/**
 * Whether a history of `count` events can take an event of `type`: the last place is kept for
 * the event that ends the execution (AWS allows only ExecutionSucceeded there; an execution
 * that ends otherwise at that point, failed, stopped or timed out, is not turned into another end).
 */
export function fitsInHistory(count: number, type: HistoryEventType | string): boolean {
    if (count < HISTORY_EVENT_LIMIT - 1) return true;
    return count === HISTORY_EVENT_LIMIT - 1 && TERMINAL_EVENTS.has(type);
}
