// Our own checks on a rendered ASL definition, for what neither third-party validator covers
// (heartbeat below timeout, unreachable cycles) and to fail at program time with a clear message.
import { heartbeatProblem, heartbeatReachesTimeout } from "./private/heartbeat";
import { StateNames } from "./private/state-names";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any ASL object: states, branches, rules
type Json = Record<string, any>;

const TERMINAL = new Set(["Succeed", "Fail"]);

function checkScope(scope: Json, where: string, names: StateNames<string>, problems: string[]): void {
    const states: Json = scope.States ?? {};
    if (!(scope.StartAt in states)) problems.push(`${where}: StartAt "${scope.StartAt}" is not a state`);
    for (const [name, state] of Object.entries<Json>(states)) {
        const seenIn = names.record(name, where);
        if (seenIn !== undefined) problems.push(`state "${name}" appears in ${seenIn} and in ${where}`);
        const targets: string[] = [];
        if (state.Next !== undefined) targets.push(state.Next);
        for (const c of state.Catch ?? []) targets.push(c.Next);
        for (const c of state.Choices ?? []) targets.push(c.Next);
        if (state.Default !== undefined) targets.push(state.Default);
        for (const t of targets)
            if (!(t in states)) problems.push(`${where}: "${name}" goes to "${t}", which is not a state in this scope`);
        if (state.Type !== "Choice" && !TERMINAL.has(state.Type) && state.Next === undefined && state.End !== true) {
            problems.push(`${where}: "${name}" has neither Next nor End`);
        }
        if (typeof state.HeartbeatSeconds === "number") {
            const timeout = typeof state.TimeoutSeconds === "number" ? state.TimeoutSeconds : 99999999;
            if (heartbeatReachesTimeout(state.HeartbeatSeconds, timeout))
                problems.push(`"${name}": ${heartbeatProblem(state.HeartbeatSeconds, timeout)}`);
        }
        for (const [i, branch] of (state.Branches ?? []).entries())
            checkScope(branch, `branch ${i + 1} of "${name}"`, names, problems);
        const processor = state.ItemProcessor ?? state.Iterator;
        if (processor) checkScope(processor, `the item processor of "${name}"`, names, problems);
    }
    const reachable = new Set<string>();
    const queue = [scope.StartAt];
    while (queue.length > 0) {
        const name = queue.pop();
        if (reachable.has(name) || !(name in states)) continue;
        reachable.add(name);
        const s = states[name];
        queue.push(
            s.Next,
            s.Default,
            ...(s.Catch ?? []).map((c: Json) => c.Next),
            ...(s.Choices ?? []).map((c: Json) => c.Next),
        );
    }
    for (const name of Object.keys(states))
        if (!reachable.has(name)) problems.push(`${where}: "${name}" is not reachable from "${scope.StartAt}"`);
}

/** Every problem found, as readable sentences; empty when the definition is sound. */
export function checkDefinition(definition: object): string[] {
    const problems: string[] = [];
    checkScope(definition as Json, "the top level", new StateNames(), problems);
    return problems;
}
