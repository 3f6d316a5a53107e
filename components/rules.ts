// The rules a setting must meet, each written once and shared by the components' argument checks
// and the stack config's (stack-settings.ts). A rule says what a value must be; the caller names
// the setting and shows the value as it was given.

/** What `v` must be (e.g. "must be one of A, B"), or undefined when it meets the rule. */
export type Rule<T> = (v: T) => string | undefined;

export function wholeNumberFrom(min: number, max: number): Rule<number> {
    return v =>
        Number.isInteger(v) && v >= min && v <= max ? undefined : `must be a whole number from ${min} to ${max}`;
}

export function oneOfThese<T>(allowed: readonly T[]): Rule<T> {
    return v => (allowed.includes(v) ? undefined : `must be one of ${allowed.join(", ")}`);
}

/** A check that throws `<what> <what the rule wants>; got <the value shown>`. */
export function checker<T>(
    what: string,
    rule: Rule<T>,
    show: (v: T) => string = v => JSON.stringify(v),
): (v: T) => void {
    return v => {
        const problem = rule(v);
        if (problem !== undefined) throw new Error(`${what} ${problem}; got ${show(v)}`);
    };
}

export function oneOf<T extends string>(what: string, allowed: readonly T[]): (v: T) => void {
    return checker(what, oneOfThese(allowed));
}

export function wholeNumber(what: string, min: number, max: number): (v: number) => void {
    return checker(what, wholeNumberFrom(min, max));
}
