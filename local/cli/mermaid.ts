// Renders an Amazon States Language definition as a Mermaid flowchart, so the README can show
// the state machine the program really deploys instead of a drawing that drifts from it.
// Pure: the same definition always gives the same text (the README test compares it byte for byte).

type Json = Record<string, any>;

const INDENT = "    ";
/** Marker ids: state ids all start with `s_` and branch ids with `b_`, so these never collide. */
const START_ID = "sfn_start";
const END_ID = "sfn_end";
/** Labels longer than this are cut with "…": a diagram is read at a glance, the JSON has the rest. */
const MAX_CONDITION = 48;
/** How many error names a Retry or Catch label lists before "and N more". */
const MAX_ERRORS = 2;

/**
 * Makes text safe inside a quoted Mermaid label. Mermaid decodes `#name;`/`#code;` entities in
 * every label, so characters its grammar or its HTML labels trip on become entity codes (and `#`
 * itself, or a state named `a#quot;b` would change meaning).
 */
export function escapeLabel(text: string): string {
    const codes: Record<string, string> = {
        "#": "#35;",
        '"': "#quot;",
        "&": "#amp;",
        "<": "#lt;",
        ">": "#gt;",
        "|": "#124;",
        "[": "#91;",
        "]": "#93;",
        "{": "#123;",
        "}": "#125;",
        "(": "#40;",
        ")": "#41;",
        "`": "#96;",
    };
    // Control characters (a newline in a name) would end the statement.
    // eslint-disable-next-line no-control-regex -- replacing them is the point
    return text.replace(/[\u0000-\u001f\u007f]/g, " ").replace(/[#"&<>|[\]{}()`]/g, ch => codes[ch]);
}

function cut(text: string, max: number): string {
    return text.length <= max ? text : text.slice(0, max - 1) + "…";
}

/** `A, B and 3 more`: enough to recognise the list without the label running across the page. */
function errorList(errors: unknown): string {
    const names = Array.isArray(errors) ? errors.map(String) : [];
    if (names.length <= MAX_ERRORS + 1) return names.join(", ");
    return `${names.slice(0, MAX_ERRORS).join(", ")} and ${names.length - MAX_ERRORS} more`;
}

/** One line per retrier, e.g. `retry ×3 on Worker.Interrupted, Worker.Lost and 8 more`. */
function retryLines(state: Json): string[] {
    const lines: string[] = [];
    for (const retrier of Array.isArray(state.Retry) ? state.Retry : []) {
        const attempts = typeof retrier.MaxAttempts === "number" ? retrier.MaxAttempts : 3; // ASL's default
        if (attempts === 0) continue; // MaxAttempts 0 means "never retry these": nothing to show
        lines.push(`retry ×${attempts} on ${errorList(retrier.ErrorEquals)}`);
    }
    return lines;
}

const COMPARISONS: [RegExp, string][] = [
    // Longest suffix first: `LessThanEquals` also ends in `Equals`.
    [/LessThanEquals$/, "<="],
    [/GreaterThanEquals$/, ">="],
    [/Equals$/, "=="],
    [/LessThan$/, "<"],
    [/GreaterThan$/, ">"],
    [/Matches$/, "matches"],
];

function operand(operator: string, value: unknown): string {
    // A `…Path` operator compares with another path: show it bare, as the variable is shown.
    if (operator.endsWith("Path") || typeof value !== "string") return String(value);
    return JSON.stringify(value);
}

/** A Choice rule in a few words: `$.kind == "map"`, `$.n >= 3 and $.ok present`, `not (…)`. */
export function describeCondition(rule: Json, nested = false): string {
    if (typeof rule.Condition === "string") return rule.Condition.replace(/^\{%\s*|\s*%\}$/g, ""); // JSONata
    for (const [key, joiner] of [
        ["And", " and "],
        ["Or", " or "],
    ] as const) {
        if (Array.isArray(rule[key])) {
            const text = rule[key].map((r: Json) => describeCondition(r, true)).join(joiner);
            return nested ? `(${text})` : text;
        }
    }
    if (rule.Not && typeof rule.Not === "object") return `not ${describeCondition(rule.Not, true)}`;
    const variable = String(rule.Variable ?? "?");
    for (const [key, value] of Object.entries(rule)) {
        if (key === "Variable" || key === "Next") continue;
        const is = /^Is(Present|Null|Numeric|String|Boolean|Timestamp)$/.exec(key);
        if (is) {
            if (is[1] === "Present") return `${variable} ${value === false ? "absent" : "present"}`;
            return `${variable} ${value === false ? "is not" : "is"} ${is[1].toLowerCase()}`;
        }
        const base = key.replace(/Path$/, "");
        const comparison = COMPARISONS.find(([pattern]) => pattern.test(base));
        if (comparison) return `${variable} ${comparison[1]} ${operand(key, value)}`;
    }
    return "rule";
}

/** What a Task calls, from its Resource ARN: the kind of integration is what a reader needs. */
function taskKind(resource: unknown): string {
    const arn = String(resource ?? "");
    if (/^arn:[^:]+:states:[^:]*:[^:]*:activity:/.test(arn)) return "Task · Activity";
    if (/^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(arn)) return "Task · Lambda";
    const integration = /^arn:[^:]+:states:::(.+)$/.exec(arn);
    return integration ? `Task · ${integration[1]}` : "Task";
}

function waitText(state: Json): string {
    if (state.Seconds !== undefined) return `Wait ${state.Seconds} s`;
    if (state.SecondsPath !== undefined) return `Wait ${state.SecondsPath} s`;
    if (state.Timestamp !== undefined) return `Wait until ${state.Timestamp}`;
    if (state.TimestampPath !== undefined) return `Wait until ${state.TimestampPath}`;
    return "Wait";
}

function mapText(state: Json): string {
    const processor = state.ItemProcessor ?? state.Iterator ?? {};
    let text = processor.ProcessorConfig?.Mode === "DISTRIBUTED" ? "Map (distributed)" : "Map";
    const items = state.ItemsPath ?? (typeof state.Items === "string" ? state.Items : undefined);
    if (items !== undefined) text += ` over ${items}`;
    // 0 or absent means as many at once as Step Functions allows: only a bound is worth showing.
    if (typeof state.MaxConcurrency === "number" && state.MaxConcurrency > 0)
        text += `, ≤ ${state.MaxConcurrency} at once`;
    return text;
}

function label(lines: string[]): string {
    return `"${lines.map(escapeLabel).join("<br/>")}"`;
}

/** The node statement of a plain (non-container) state: its shape tells its type at a glance. */
function nodeStatement(id: string, name: string, state: Json): string {
    switch (state.Type) {
        case "Task":
            return `${id}[${label([name, taskKind(state.Resource), ...retryLines(state)])}]`;
        case "Choice":
            return `${id}{${label([name, "Choice"])}}`;
        case "Succeed":
        case "Fail":
            return `${id}([${label([name, state.Type])}])`;
        case "Wait":
            return `${id}(${label([name, waitText(state), ...retryLines(state)])})`;
        default: // Pass, and any type ASL may add: rounded, the neutral shape
            return `${id}(${label([name, String(state.Type ?? "?"), ...retryLines(state)])})`;
    }
}

/**
 * Mermaid ids from state names: `s_` and the name with every character outside [A-Za-z0-9] made
 * `_` (names hold `-`, spaces, anything), `_2`, `_3`… on a clash. Assigned over the whole
 * definition in document order, so ids are stable for a given definition.
 */
export function mermaidIds(definition: Json): Map<string, string> {
    const ids = new Map<string, string>();
    const used = new Set<string>();
    const visit = (scope: Json) => {
        for (const [name, state] of Object.entries<Json>(scope.States ?? {})) {
            if (!ids.has(name)) {
                const base = "s_" + name.replace(/[^A-Za-z0-9]/g, "_");
                let id = base;
                for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
                used.add(id);
                ids.set(name, id);
            }
            for (const branch of Array.isArray(state.Branches) ? state.Branches : []) visit(branch);
            const processor = state.ItemProcessor ?? state.Iterator;
            if (processor) visit(processor);
        }
    };
    visit(definition);
    return ids;
}

class Renderer {
    readonly lines: string[] = ["flowchart TD"];

    constructor(private readonly ids: Map<string, string>) {}

    id(name: string, where: string): string {
        const id = this.ids.get(name);
        if (id === undefined) throw new Error(`${where} goes to "${name}", which is not a state`);
        return id;
    }

    /** A scope (top level, branch, item processor): its nodes and subgraphs first, then its edges. */
    scope(scope: Json, depth: number, top: boolean): void {
        const states: [string, Json][] = Object.entries<Json>(scope.States ?? {});
        if (states.length === 0 || typeof scope.StartAt !== "string")
            throw new Error("a definition (or branch) needs StartAt and States");
        const pad = INDENT.repeat(depth);
        // Mermaid puts a node in the subgraph where it first appears: declare before any edge.
        if (top) this.lines.push(`${pad}${START_ID}(("start"))`);
        for (const [name, state] of states) this.state(name, state, depth);
        if (top) this.lines.push(`${pad}${END_ID}(("end"))`);
        if (top) this.lines.push(`${pad}${START_ID} --> ${this.id(scope.StartAt, "StartAt")}`);
        for (const [name, state] of states) this.edges(name, state, pad, top);
    }

    state(name: string, state: Json, depth: number): void {
        const pad = INDENT.repeat(depth);
        const id = this.id(name, "a state");
        if (state.Type === "Parallel" || state.Type === "Map") {
            const kind = state.Type === "Parallel" ? "Parallel" : mapText(state);
            // One title line: a multi-line subgraph title overlaps the first node in Mermaid's layout.
            const title = [`${name} · ${kind}`, ...retryLines(state)].join(" · ");
            this.lines.push(`${pad}subgraph ${id}[${label([title])}]`);
            // Mermaid turns a subgraph without a direction sideways (and its child back): keep all top-down.
            this.lines.push(`${pad}${INDENT}direction TB`);
            const branches: Json[] =
                state.Type === "Parallel"
                    ? Array.isArray(state.Branches)
                        ? state.Branches
                        : []
                    : [state.ItemProcessor ?? state.Iterator ?? {}];
            if (branches.length === 1) this.scope(branches[0], depth + 1, false);
            else {
                // Several branches: each its own box, so they are seen to run side by side.
                branches.forEach((branch, i) => {
                    this.lines.push(`${pad}${INDENT}subgraph b_${id}_${i + 1}[${label([`branch ${i + 1}`])}]`);
                    this.lines.push(`${pad}${INDENT}${INDENT}direction TB`);
                    this.scope(branch, depth + 2, false);
                    this.lines.push(`${pad}${INDENT}end`);
                });
            }
            this.lines.push(`${pad}end`);
        } else {
            this.lines.push(pad + nodeStatement(id, name, state));
        }
    }

    edges(name: string, state: Json, pad: string, top: boolean): void {
        const from = this.id(name, `"${name}"`);
        const to = (target: string) => this.id(target, `"${name}"`);
        if (typeof state.Next === "string") this.lines.push(`${pad}${from} --> ${to(state.Next)}`);
        for (const rule of Array.isArray(state.Choices) ? state.Choices : []) {
            this.lines.push(
                `${pad}${from} -->|${label([cut(describeCondition(rule), MAX_CONDITION)])}| ${to(rule.Next)}`,
            );
        }
        if (typeof state.Default === "string") this.lines.push(`${pad}${from} -->|"default"| ${to(state.Default)}`);
        // Catch: dotted, as the path taken only when the state fails.
        for (const catcher of Array.isArray(state.Catch) ? state.Catch : []) {
            this.lines.push(`${pad}${from} -.->|${label([errorList(catcher.ErrorEquals)])}| ${to(catcher.Next)}`);
        }
        // Inside a branch, an end only ends the branch; the Parallel or Map box shows where it goes on.
        const ends = state.End === true || state.Type === "Succeed" || state.Type === "Fail";
        if (top && ends) this.lines.push(`${pad}${from} --> ${END_ID}`);
    }
}

/** The definition as a Mermaid `flowchart TD`, ending with a newline. */
export function definitionToMermaid(definition: object): string {
    const renderer = new Renderer(mermaidIds(definition as Json));
    renderer.scope(definition as Json, 1, true);
    return renderer.lines.join("\n") + "\n";
}
