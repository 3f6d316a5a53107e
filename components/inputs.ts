// Checking component inputs that may be Pulumi outputs: a value known at program time is checked
// before any resource exists; an output is checked when it resolves.
import * as pulumi from "@pulumi/pulumi";

/** A value known at program time (not an output or promise). */
export function isPlain<T>(value: pulumi.Input<T> | undefined): value is T | undefined {
    return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/**
 * Runs `check` on `value` now when it is given and known; an output waits for checkWhenResolved.
 * Absent (undefined or null) means the fallback, which is valid.
 */
export function checkKnown<T>(value: pulumi.Input<T> | undefined, check: (v: T) => void): void {
    if (value !== undefined && value !== null && isPlain(value)) check(value as T);
}

/**
 * `value ?? fallback` as an output; `check` runs on it when it resolves if it was not known at
 * program time (a known value was checked by checkKnown before any resource; the fallback is valid).
 */
export function checkWhenResolved<T>(
    value: pulumi.Input<T> | undefined,
    fallback: T,
    check: (v: T) => void,
): pulumi.Output<T> {
    const given = value ?? fallback;
    if (isPlain(given)) return pulumi.output(given as T) as pulumi.Output<T>;
    return pulumi.output(given).apply(v => {
        check(v as T);
        return v;
    }) as pulumi.Output<T>;
}
