// The state classes every ASL state builds on: a State has a name and its own fields; a
// NextableState continues to a Next state or ends its scope; a RetryableState also has Retry and
// Catch (Task, Parallel, Map).
import type { Chain } from "./chain";
import { AslValue, CatchProps, IChainable, RetryProps } from "./types";

export abstract class State implements IChainable {
    abstract readonly type: string;

    constructor(
        readonly name: string,
        readonly comment?: string,
    ) {
        if (typeof name !== "string" || name.length < 1 || name.length > 80) {
            throw new Error(`state name ${JSON.stringify(name)} must be 1 to 80 characters`);
        }
    }

    get startState(): State {
        return this;
    }

    abstract get endStates(): NextableState[];

    /** The type-specific ASL fields of this state (without Next/End/Retry/Catch). */
    abstract fields(): Record<string, AslValue>;

    /** States this one can transition to within its own scope. */
    transitions(): State[] {
        return [];
    }

    /** Nested scopes (Parallel branches, Map item processor). */
    scopes(): IChainable[] {
        return [];
    }
}

/** A state that continues to a Next state or ends the scope. */
export abstract class NextableState extends State {
    private nextState?: State;

    get endStates(): NextableState[] {
        return [this];
    }

    get successor(): State | undefined {
        return this.nextState;
    }

    /**
     * Continues with `chainable` after this state. Each state type implements it as
     * `Chain.start(this).next(chainable)`, as AWS CDK's do: were it here, this file would load
     * chain.ts, which loads parallel.ts, whose class extends this file's before they exist.
     */
    abstract next(chainable: IChainable): Chain;

    /** @internal used by Chain */
    setNext(state: State): void {
        if (this.nextState && this.nextState !== state) {
            throw new Error(
                `state "${this.name}" already continues to "${this.nextState.name}"; it cannot also continue to "${state.name}"`,
            );
        }
        this.nextState = state;
    }

    transitions(): State[] {
        return this.nextState ? [this.nextState] : [];
    }
}

/** A state that can Retry and Catch (Task, Parallel, Map). */
export abstract class RetryableState extends NextableState {
    readonly retries: RetryProps[] = [];
    readonly catches: Array<{ props: CatchProps; handler: State }> = [];

    addRetry(props: RetryProps): this {
        if (props.errors.length === 0) throw new Error(`a Retry on "${this.name}" needs at least one error name`);
        this.retries.push(props);
        return this;
    }

    addCatch(handler: IChainable, props: CatchProps = { errors: ["States.ALL"] }): this {
        if (props.errors.length === 0) throw new Error(`a Catch on "${this.name}" needs at least one error name`);
        this.catches.push({ props, handler: handler.startState });
        return this;
    }

    transitions(): State[] {
        return [...super.transitions(), ...this.catches.map(c => c.handler)];
    }
}
