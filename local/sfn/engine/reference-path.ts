// ASL reference paths ($.a.b, $['a'][0]), where the engine reads input itself rather than through
// the library: a Task's TimeoutSecondsPath/HeartbeatSecondsPath, and a Map's InputPath/ItemsPath to
// count its items. The syntax: https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html.

type PathSegment = string | number;

/**
 * Parses an ASL reference path made of `.name`, `['name']` and `[index]` after `$`;
 * undefined for anything else (filters, wildcards, context paths).
 */
export function parseReferencePath(path: string): PathSegment[] | undefined {
    if (!path.startsWith("$") || path.startsWith("$$")) return undefined;
    const segments: PathSegment[] = [];
    let rest = path.slice(1);
    while (rest.length > 0) {
        let m: RegExpExecArray | null;
        if ((m = /^\.([A-Za-z_$][A-Za-z0-9_$-]*)/.exec(rest))) segments.push(m[1]);
        else if ((m = /^\[(\d+)\]/.exec(rest))) segments.push(Number(m[1]));
        else if ((m = /^\['([^'\\]*)'\]/.exec(rest)) || (m = /^\["([^"\\]*)"\]/.exec(rest))) segments.push(m[1]);
        else return undefined;
        rest = rest.slice(m[0].length);
    }
    return segments;
}

/** Evaluates a reference path; `found: false` when a segment is missing. */
export function evaluateReferencePath(path: string, value: unknown): { found: boolean; value?: unknown } {
    const segments = parseReferencePath(path);
    if (!segments) return { found: false };
    let current: any = value;
    for (const seg of segments) {
        if (current === null || typeof current !== "object") return { found: false };
        if (
            typeof seg === "number"
                ? !Array.isArray(current) || seg >= current.length
                : Array.isArray(current) || !Object.hasOwn(current, seg)
        )
            return { found: false };
        current = current[seg];
    }
    return { found: true, value: current };
}
