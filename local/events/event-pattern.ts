// EventBridge event-pattern matching, for the subset our rules use: exact values and `prefix`,
// nested objects, arrays in the event matching when any element matches.

type Pattern = Record<string, unknown>;

function matchesValue(rule: unknown, value: unknown): boolean {
    if (rule !== null && typeof rule === "object" && !Array.isArray(rule)) {
        const r = rule as Record<string, unknown>;
        if ("prefix" in r)
            return typeof value === "string" && typeof r.prefix === "string" && value.startsWith(r.prefix);
        if ("exists" in r) return (value !== undefined) === Boolean(r.exists);
        if ("anything-but" in r) {
            const excluded = Array.isArray(r["anything-but"]) ? r["anything-but"] : [r["anything-but"]];
            return value !== undefined && !excluded.includes(value);
        }
        throw new Error(`event pattern operator ${JSON.stringify(Object.keys(r))} is not supported locally`);
    }
    return rule === value;
}

/** True when `event` matches `pattern` (every key of the pattern must match). */
export function matchesEventPattern(pattern: Pattern, event: unknown): boolean {
    if (event === null || typeof event !== "object") return false;
    for (const [key, rule] of Object.entries(pattern)) {
        const value = (event as Record<string, unknown>)[key];
        if (Array.isArray(rule)) {
            const values = Array.isArray(value) ? value : [value];
            if (!rule.some(r => values.some(v => matchesValue(r, v)))) return false;
        } else if (rule !== null && typeof rule === "object") {
            if (!matchesEventPattern(rule as Pattern, value)) return false;
        } else {
            throw new Error(`event pattern field ${key} must be an array or an object`);
        }
    }
    return true;
}
