// Pass: passes its input on, optionally shaped or replaced by a fixed Result.
import { Chain } from "./chain";
import { ioFields } from "./private/io-fields";
import { NextableState } from "./state";
import { AslValue, IChainable, ResultProps } from "./types";

export interface PassProps extends ResultProps {
    result?: AslValue;
}

export class Pass extends NextableState {
    readonly type = "Pass";
    constructor(
        name: string,
        readonly props: PassProps = {},
    ) {
        super(name, props.comment);
    }
    next(chainable: IChainable): Chain {
        return Chain.start(this).next(chainable);
    }
    fields() {
        return { ...ioFields(this.props), Result: this.props.result };
    }
}
