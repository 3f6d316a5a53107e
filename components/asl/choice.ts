// Choice: goes to the first rule's state whose condition holds, else to its Default.
import { NextableState, State } from "./state";
import { AslValue, IChainable, IoProps } from "./types";

export interface ChoiceRule {
    /** A JSONPath choice rule without `Next`, e.g. `{ Variable: "$.kind", StringEquals: "a" }`. */
    condition: Record<string, AslValue>;
    next: IChainable;
}

export class Choice extends State {
    readonly type = "Choice";
    private readonly rules: ChoiceRule[] = [];
    private defaultState?: State;
    constructor(
        name: string,
        readonly props: IoProps = {},
    ) {
        super(name, props.comment);
    }
    get endStates(): NextableState[] {
        return [];
    }
    when(condition: Record<string, AslValue>, next: IChainable): this {
        this.rules.push({ condition, next });
        return this;
    }
    otherwise(next: IChainable): this {
        this.defaultState = next.startState;
        return this;
    }
    transitions(): State[] {
        return [...this.rules.map(r => r.next.startState), ...(this.defaultState ? [this.defaultState] : [])];
    }
    fields() {
        if (this.rules.length === 0) throw new Error(`Choice "${this.name}" has no rules`);
        return {
            InputPath: this.props.inputPath,
            OutputPath: this.props.outputPath,
            Choices: this.rules.map(r => ({ ...r.condition, Next: r.next.startState.name })),
            Default: this.defaultState?.name,
        };
    }
}
