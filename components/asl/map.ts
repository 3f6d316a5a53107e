// Map: runs its item processor once per item of a list in the input (inline mode).
import { Chain } from "./chain";
import { ioFields } from "./private/io-fields";
import { RetryableState } from "./state";
import { AslValue, IChainable, ResultProps } from "./types";

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
    next(chainable: IChainable): Chain {
        return Chain.start(this).next(chainable);
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
