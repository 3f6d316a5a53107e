// Fail: ends the execution (or its branch) with an error name and cause.
import { NextableState, State } from "./state";

export interface FailProps {
    comment?: string;
    error?: string;
    cause?: string;
    /** Takes the error name from the input, e.g. `$.Error` after a Catch. */
    errorPath?: string;
    causePath?: string;
}

export class Fail extends State {
    readonly type = "Fail";
    constructor(
        name: string,
        readonly props: FailProps = {},
    ) {
        super(name, props.comment);
        if (props.error !== undefined && props.errorPath !== undefined)
            throw new Error(`Fail "${name}": give error or errorPath, not both`);
        if (props.cause !== undefined && props.causePath !== undefined)
            throw new Error(`Fail "${name}": give cause or causePath, not both`);
    }
    get endStates(): NextableState[] {
        return [];
    }
    fields() {
        return {
            Error: this.props.error,
            Cause: this.props.cause,
            ErrorPath: this.props.errorPath,
            CausePath: this.props.causePath,
        };
    }
}
