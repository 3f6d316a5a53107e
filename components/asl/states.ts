// Small typed building blocks for Amazon States Language (JSONPath only), modelled on AWS CDK's
// Step Functions library: states are objects, `next` links them, a Chain can become one state.
// Fields may hold Pulumi inputs (e.g. a function ARN); rendering leaves them in place.

/** Any JSON value, or a Pulumi input that will resolve to one. */
export type AslValue = unknown;

export interface RetryProps {
    /** Error names to match; `States.ALL` matches every error. */
    errors: string[];
    /** Seconds before the first retry. Default 1. */
    intervalSeconds?: number;
    /** Retries after the first attempt. Default 3; 0 means never retry. */
    maxAttempts?: number;
    /** Multiplier of the interval per retry. Default 2. */
    backoffRate?: number;
    /** Upper bound of the interval in seconds. */
    maxDelaySeconds?: number;
    /** `FULL` randomises each interval to avoid retry storms. */
    jitterStrategy?: "FULL" | "NONE";
}

export interface CatchProps {
    errors: string[];
    /** Where the error object (`{Error, Cause}`) goes in the input; default `$`. */
    resultPath?: string | null;
}

/** Anything that can be put into a chain: a state, or a chain of states. */
export interface IChainable {
    readonly startState: State;
    /** States whose Next the chain's next element becomes. */
    readonly endStates: NextableState[];
}

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

    /** Continues with `chainable` after this state. */
    next(chainable: IChainable): Chain {
        return Chain.start(this).next(chainable);
    }

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

/** Fields shared by states that shape their input and output. */
export interface IoProps {
    comment?: string;
    inputPath?: string | null;
    outputPath?: string | null;
}

export interface ResultProps extends IoProps {
    parameters?: Record<string, AslValue>;
    resultPath?: string | null;
}

function ioFields(props: ResultProps & { resultSelector?: Record<string, AslValue> }): Record<string, AslValue> {
    return {
        InputPath: props.inputPath,
        Parameters: props.parameters,
        ResultSelector: props.resultSelector,
        ResultPath: props.resultPath,
        OutputPath: props.outputPath,
    };
}

export interface TaskProps extends ResultProps {
    /** A Lambda function ARN, an activity ARN or a service integration ARN. */
    resource: AslValue;
    resultSelector?: Record<string, AslValue>;
    timeoutSeconds?: number;
    heartbeatSeconds?: number;
}

export class Task extends RetryableState {
    readonly type = "Task";
    constructor(
        name: string,
        readonly props: TaskProps,
    ) {
        super(name, props.comment);
        if (
            props.timeoutSeconds !== undefined &&
            props.heartbeatSeconds !== undefined &&
            props.heartbeatSeconds >= props.timeoutSeconds
        ) {
            throw new Error(
                `state "${name}": HeartbeatSeconds (${props.heartbeatSeconds}) must be below TimeoutSeconds (${props.timeoutSeconds})`,
            );
        }
    }
    fields() {
        return {
            Resource: this.props.resource,
            ...ioFields(this.props),
            TimeoutSeconds: this.props.timeoutSeconds,
            HeartbeatSeconds: this.props.heartbeatSeconds,
        };
    }
}

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
    fields() {
        return { ...ioFields(this.props), Result: this.props.result };
    }
}

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

export interface MapProps extends ResultProps {
    itemsPath?: string;
    /** Shapes each item (e.g. wraps a scalar into an object) before the item processor sees it. */
    itemSelector?: Record<string, AslValue>;
    /** 0 means no limit (AWS's default). */
    maxConcurrency?: number;
    resultSelector?: Record<string, AslValue>;
}

export class MapState extends RetryableState {
    readonly type = "Map";
    private processor?: IChainable;
    constructor(
        name: string,
        readonly props: MapProps = {},
    ) {
        super(name, props.comment);
    }
    itemProcessor(processor: IChainable): this {
        if (this.processor) throw new Error(`Map "${this.name}" already has an item processor`);
        this.processor = processor;
        return this;
    }
    scopes(): IChainable[] {
        if (!this.processor) throw new Error(`Map "${this.name}" has no item processor`);
        return [this.processor];
    }
    fields() {
        return {
            ...ioFields(this.props),
            ItemsPath: this.props.itemsPath,
            ItemSelector: this.props.itemSelector,
            MaxConcurrency: this.props.maxConcurrency,
        };
    }
}

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

/** A sequence of states; `next` appends, `toSingleState` wraps it into one retryable Parallel. */
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
