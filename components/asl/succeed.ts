// Succeed: ends the execution (or its branch) successfully.
import { NextableState, State } from "./state";
import { IoProps } from "./types";

export class Succeed extends State {
    readonly type = "Succeed";
    constructor(
        name: string,
        readonly props: IoProps = {},
    ) {
        super(name, props.comment);
    }
    get endStates(): NextableState[] {
        return [];
    }
    fields() {
        return { InputPath: this.props.inputPath, OutputPath: this.props.outputPath };
    }
}
