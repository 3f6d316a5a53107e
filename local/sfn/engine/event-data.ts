// How history events carry data: values as JSON text, with the details object Step Functions adds
// beside each input/output (the local engine never truncates).

/** A value as JSON text; undefined (no value) is written as null. */
export function json(value: unknown): string {
    return JSON.stringify(value === undefined ? null : value);
}

/** The inputDetails/outputDetails of an event. */
export const DATA = { truncated: false };
