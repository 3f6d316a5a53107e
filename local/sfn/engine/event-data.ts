// How history events carry data: values as JSON text, with the details object Step Functions adds
// beside each input/output (the local engine never truncates), and the item count MapStateStarted
// reports; and the same events without their data.
import type { HistoryEvent } from "@aws-sdk/client-sfn";
import { evaluateReferencePath } from "./reference-path";

/** A value as JSON text; undefined (no value) is written as null. */
export function json(value: unknown): string {
    return JSON.stringify(value === undefined ? null : value);
}

/** The inputDetails/outputDetails of an event. */
export const DATA = { truncated: false };

/** Number of items a Map state will iterate over, when its paths are simple enough to tell. */
export function mapItemCount(state: any, rawInput: unknown): number | undefined {
    if (!state) return undefined;
    let value: unknown = rawInput;
    for (const path of [state.InputPath, state.ItemsPath]) {
        if (typeof path !== "string") continue;
        const r = evaluateReferencePath(path, value);
        if (!r.found) return undefined;
        value = r.value;
    }
    return Array.isArray(value) ? value.length : undefined;
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
