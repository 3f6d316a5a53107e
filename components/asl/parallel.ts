// Parallel: runs its branches side by side; its result is the array of their outputs.
import { Chain } from "./chain";
import { ioFields } from "./private/io-fields";
import { RetryableState } from "./state";
import { AslValue, IChainable, ResultProps } from "./types";

export interface ParallelProps extends ResultProps {
    resultSelector?: Record<string, AslValue>;
}

export class Parallel extends RetryableState {
    readonly type = "Parallel";
    private readonly branchList: IChainable[] = [];
    constructor(
        name: string,
        readonly props: ParallelProps = {},
    ) {
        super(name, props.comment);
    }
    next(chainable: IChainable): Chain {
        return Chain.start(this).next(chainable);
    }
    branch(...branches: IChainable[]): this {
        this.branchList.push(...branches);
        return this;
    }
    scopes(): IChainable[] {
        return [...this.branchList];
    }
    fields() {
        return ioFields(this.props);
    }
}
