// Where each history event's `previousEventId` points. AWS's documentation gives no example history
// of a Parallel or inline Map state with event ids (https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
// defines the field only), so these rules follow LocalStack's interpreter, whose histories are
// snapshots recorded against AWS
// (https://github.com/localstack/localstack/tree/main/tests/aws/services/stepfunctions/v2, for
// example the base scenarios, test_parallel_state_* and test_map_state_* snapshots):
//   - the first state of the execution points at 0, not at ExecutionStarted;
//   - every other event points at the event before it in its own sequence ("frame"): the
//     execution's top level, one branch of a Parallel, one iteration of a Map;
//   - a Parallel's first event of each branch points at its ParallelStateStarted; its
//     ParallelStateSucceeded (or Failed) and then its ParallelStateExited at the latest event of
//     any branch (so ParallelStateExited skips ParallelStateSucceeded, and after a failure
//     ParallelStateExited points at ParallelStateFailed);
//   - a Map's MapIterationStarted points at the latest event of the Map's iterations so far (the
//     previous iteration's last state event, not its MapIterationSucceeded); MapStateSucceeded and
//     MapStateExited point at the last MapIterationSucceeded; MapStateFailed at the failed
//     iteration's last event;
//   - a retried Parallel or Map starts again from the failed attempt's latest event.
// Known limit: a Parallel or Map nested in a Map's iterations shares its frames across the outer
// iterations (the interpreter's events do not say which outer iteration they belong to).

/** Where a state sits: at the top, in a branch of a Parallel, or in a Map's item processor. */
interface Scope {
    container?: string;
    /** Branch index within a Parallel. */
    branch?: number;
    inMap?: boolean;
}

/** A Map attempt's bookkeeping: the latest event of its iterations, its last iteration end, a failure. */
interface MapAttempt {
    latest: number;
    lastIterationEnd: number;
    failedAt?: number;
}

export class EventSources {
    private readonly scopes = new Map<string, Scope>();
    /** The latest event of each frame, by frame key ("" = the top level). */
    private readonly frames = new Map<string, number>([["", 0]]);
    private readonly maps = new Map<string, MapAttempt>();

    constructor(definition: any) {
        this.readScopes(definition, {});
    }

    private readScopes(definition: any, scope: Scope): void {
        for (const [name, state] of Object.entries<any>(definition?.States ?? {})) {
            this.scopes.set(name, scope);
            if (state?.Type === "Parallel" && Array.isArray(state.Branches))
                state.Branches.forEach((branch: any, i: number) =>
                    this.readScopes(branch, { container: name, branch: i }),
                );
            if (state?.Type === "Map")
                this.readScopes(state.ItemProcessor ?? state.Iterator, { container: name, inMap: true });
        }
    }

    /** The frame a state's own events belong to; `index` is the Map iteration the library reports. */
    frameOf(stateName: string, index?: number): string {
        const scope = this.scopes.get(stateName);
        if (!scope?.container) return "";
        return scope.inMap ? `${scope.container}[${index ?? 0}]` : `${scope.container}#${scope.branch}`;
    }

    /** The Parallel or Map a state sits in directly, if any. */
    containerOf(stateName: string | undefined): string | undefined {
        return stateName === undefined ? undefined : this.scopes.get(stateName)?.container;
    }

    /** What the next event of `frame` points at. */
    source(frame: string): number {
        return this.frames.get(frame) ?? 0;
    }

    /** `id` is now the latest event of `frame`; a Map iteration's event also feeds its Map. */
    advance(frame: string, id: number): void {
        this.frames.set(frame, id);
        const map = /^(.*)\[\d+\]$/.exec(frame)?.[1];
        const attempt = map === undefined ? undefined : this.maps.get(map);
        if (attempt) attempt.latest = Math.max(attempt.latest, id);
    }

    /** The ParallelStateStarted `id`: every branch of `name` starts from it. */
    parallelStarted(name: string, branches: number, id: number): void {
        for (let b = 0; b < branches; b++) this.frames.set(`${name}#${b}`, id);
    }

    /** The latest event of any branch of `name` (what its Succeeded, Failed, Exited or retry follow). */
    parallelLatest(name: string, branches: number): number {
        let latest = 0;
        for (let b = 0; b < branches; b++) latest = Math.max(latest, this.source(`${name}#${b}`));
        return latest;
    }

    mapStarted(name: string, id: number): void {
        for (const key of [...this.frames.keys()]) if (key.startsWith(`${name}[`)) this.frames.delete(key);
        this.maps.set(name, { latest: id, lastIterationEnd: id });
    }

    /** What MapIterationStarted points at. */
    mapLatest(name: string): number {
        return this.maps.get(name)?.latest ?? 0;
    }

    mapIterationEnded(name: string, iterationFrame: string, id: number, failed: boolean): void {
        const attempt = this.maps.get(name);
        if (!attempt) return;
        attempt.lastIterationEnd = id;
        if (failed) attempt.failedAt ??= this.source(iterationFrame);
    }

    /** What MapStateSucceeded / MapStateFailed (and a retry of the Map) point at. */
    mapEnd(name: string, failed: boolean): number {
        const attempt = this.maps.get(name);
        if (!attempt) return 0;
        return failed ? (attempt.failedAt ?? attempt.latest) : attempt.lastIterationEnd;
    }
}
