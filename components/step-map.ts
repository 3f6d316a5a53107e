// A Map state over a list in the input that runs a step (or any chain) per item. Each item starts
// a Fargate task, so the default concurrency stays within ECS's RunTask limits (20 calls per
// second, a bucket of 100 task launches refilled at 20 per second) and leaves room for other runs.
import { IChainable, MapProps, MapState } from "./asl";

export const DEFAULT_STEP_MAP_CONCURRENCY = 20;

export interface StepMapProps extends Omit<MapProps, "itemSelector"> {
    /** The list to iterate, e.g. `$.files`. */
    itemsPath: string;
    /**
     * A step's input must be a JSON object: with a list of scalars, name the key each item is put
     * under (`"file"` turns `"a.csv"` into `{ "file": "a.csv" }`). Or shape items yourself with `itemSelector`.
     */
    itemKey?: string;
    itemSelector?: MapProps["itemSelector"];
}

export function stepMap(name: string, props: StepMapProps, processor: IChainable): MapState {
    if (props.itemKey !== undefined && props.itemSelector !== undefined)
        throw new Error(`Map "${name}": give itemKey or itemSelector, not both`);
    if (props.maxConcurrency !== undefined && (!Number.isInteger(props.maxConcurrency) || props.maxConcurrency < 0)) {
        throw new Error(
            `Map "${name}": maxConcurrency must be a whole number (0 = no limit); got ${props.maxConcurrency}`,
        );
    }
    const { itemKey, ...rest } = props;
    return new MapState(name, {
        ...rest,
        itemSelector: itemKey !== undefined ? { [`${itemKey}.$`]: "$$.Map.Item.Value" } : props.itemSelector,
        maxConcurrency: props.maxConcurrency ?? DEFAULT_STEP_MAP_CONCURRENCY,
    }).itemProcessor(processor);
}
