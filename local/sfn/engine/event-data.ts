// How history events carry data: values as JSON text, with the details object Step Functions adds
// beside each input/output (the local engine never truncates), and the item count MapStateStarted
// reports.
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
