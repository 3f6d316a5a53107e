// A sequence of states: `next` appends, `toSingleState` wraps it into one retryable Parallel.
import { Parallel, ParallelProps } from "./parallel";
import type { NextableState, State } from "./state";
import { IChainable } from "./types";

export class Chain implements IChainable {
    private constructor(
        readonly startState: State,
        readonly endStates: NextableState[],
    ) {}

    static start(chainable: IChainable): Chain {
        return new Chain(chainable.startState, chainable.endStates);
    }

    next(chainable: IChainable): Chain {
        if (this.endStates.length === 0) {
            throw new Error(
                `cannot continue after "${this.startState.name}": the chain ends in a terminal state (Succeed, Fail or Choice)`,
            );
        }
        for (const end of this.endStates) end.setNext(chainable.startState);
        return new Chain(this.startState, chainable.endStates);
    }

    /** One Parallel state with this chain as its single branch: a Retry on it re-runs the whole chain. */
    toSingleState(name: string, props: ParallelProps = {}): Parallel {
        return new Parallel(name, props).branch(this);
    }
}
