// The input and output fields of Task, Pass, Parallel and Map, in the order they render.
import { AslValue, ResultProps } from "../types";

export function ioFields(props: ResultProps & { resultSelector?: Record<string, AslValue> }): Record<string, AslValue> {
    return {
        InputPath: props.inputPath,
        Parameters: props.parameters,
        ResultSelector: props.resultSelector,
        ResultPath: props.resultPath,
        OutputPath: props.outputPath,
    };
}
