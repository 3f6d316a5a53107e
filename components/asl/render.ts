// Turns a graph of states into an ASL definition object. Pure: no Pulumi calls; Pulumi inputs in
// fields (ARNs) are left in place for `pulumi.jsonStringify` at the edge.
import { StateNames } from "./private/state-names";
import { NextableState, RetryableState, State } from "./state";
import { AslValue, IChainable, RetryProps } from "./types";

export type AslStates = Record<string, Record<string, AslValue>>;

export interface AslDefinition {
    Comment?: string;
    StartAt: string;
    States: AslStates;
    TimeoutSeconds?: number;
    QueryLanguage?: "JSONPath";
}

export interface RenderOptions {
    comment?: string;
    /** The state machine's own timeout: the only clock that runs while an activity task waits for a worker. */
    timeoutSeconds?: number;
}

function withoutUndefined(fields: Record<string, AslValue>): Record<string, AslValue> {
    return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function renderRetry(r: RetryProps): Record<string, AslValue> {
    return withoutUndefined({
        ErrorEquals: r.errors,
        IntervalSeconds: r.intervalSeconds,
        MaxAttempts: r.maxAttempts,
        BackoffRate: r.backoffRate,
        MaxDelaySeconds: r.maxDelaySeconds,
        JitterStrategy: r.jitterStrategy,
    });
}

/** Names seen anywhere in the definition, with the scope that holds each state. */
type Registry = StateNames<{ state: State; scope: string }>;

function renderScope(start: IChainable, scope: string, registry: Registry): { StartAt: string; States: AslStates } {
    const states: AslStates = {};
    const queue: State[] = [start.startState];
    const seen = new Set<State>();
    while (queue.length > 0) {
        const state = queue.shift()!;
        if (seen.has(state)) continue;
        seen.add(state);
        const known = registry.record(state.name, { state, scope });
        if (known && known.state !== state) {
            throw new Error(
                `two states are named "${state.name}"; state names must be unique across the whole definition, branches included`,
            );
        }
        if (known && known.scope !== scope) {
            throw new Error(
                `state "${state.name}" is reachable from ${known.scope} and from ${scope}; a transition cannot cross a Parallel branch or Map boundary`,
            );
        }
        states[state.name] = renderState(state, registry);
        queue.push(...state.transitions());
    }
    return { StartAt: start.startState.name, States: states };
}

function renderState(state: State, registry: Registry): Record<string, AslValue> {
    const rendered: Record<string, AslValue> = { Type: state.type, Comment: state.comment, ...state.fields() };
    if (state.type === "Parallel") {
        rendered.Branches = state
            .scopes()
            .map((b, i) => renderScope(b, `branch ${i + 1} of "${state.name}"`, registry));
    }
    if (state.type === "Map") {
        const [processor] = state.scopes();
        rendered.ItemProcessor = {
            ProcessorConfig: { Mode: "INLINE" },
            ...renderScope(processor, `the item processor of "${state.name}"`, registry),
        };
    }
    if (state instanceof NextableState) {
        if (state.successor) rendered.Next = state.successor.name;
        else rendered.End = true;
    }
    if (state instanceof RetryableState) {
        if (state.retries.length > 0) rendered.Retry = state.retries.map(renderRetry);
        if (state.catches.length > 0) {
            rendered.Catch = state.catches.map(c =>
                withoutUndefined({ ErrorEquals: c.props.errors, ResultPath: c.props.resultPath, Next: c.handler.name }),
            );
        }
    }
    return withoutUndefined(rendered);
}

/** Renders the graph reachable from `start` into an ASL definition. Throws on duplicate names or crossed scopes. */
export function renderDefinition(start: IChainable, options: RenderOptions = {}): AslDefinition {
    const top = renderScope(start, "the top level", new StateNames());
    return withoutUndefined({
        Comment: options.comment,
        QueryLanguage: "JSONPath",
        ...top,
        TimeoutSeconds: options.timeoutSeconds,
    }) as unknown as AslDefinition;
}
