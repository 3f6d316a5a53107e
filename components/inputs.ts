// Checking component inputs: at construction when the value is known, when it resolves otherwise.
import * as pulumi from "@pulumi/pulumi";

/**
 * Returns `value ?? fallback` as an output after `check` accepted it. A plain value is checked
 * now, so a bad argument fails at program time with the component's own message.
 */
export function checked<T>(value: pulumi.Input<T> | undefined, fallback: T, check: (v: T) => void): pulumi.Output<T> {
    const given = value ?? fallback;
    if (isPlain(given)) {
        check(given as T);
        return pulumi.output(given as T) as pulumi.Output<T>;
    }
    return pulumi.output(given).apply(v => {
        check(v as T);
        return v;
    }) as pulumi.Output<T>;
}

/** A value known at program time (not an output or promise). */
export function isPlain<T>(value: pulumi.Input<T> | undefined): value is T | undefined {
    return !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

export function oneOf<T extends string>(what: string, allowed: readonly T[]): (v: T) => void {
    return v => {
        if (!allowed.includes(v))
            throw new Error(`${what} must be one of ${allowed.join(", ")}; got ${JSON.stringify(v)}`);
    };
}

export function wholeNumber(what: string, min: number, max: number): (v: number) => void {
    return v => {
        if (!Number.isInteger(v) || v < min || v > max)
            throw new Error(`${what} must be a whole number from ${min} to ${max}; got ${JSON.stringify(v)}`);
    };
}
