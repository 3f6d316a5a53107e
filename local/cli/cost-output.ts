// npm start's cost forecast: the table after the history, the `cost` object of --json, and for
// --serve a one-line summary on standard error as each execution ends.
import { costJson, formatCostSummary, formatCostTable } from "../forecast/cost-table";
import { CostReport } from "../forecast/cost";
import { HistoryEvent, TERMINAL_EVENTS } from "../sfn/engine";
import { allHistory } from "./all-history";
import { executionCost } from "../stack/execution-usage";
import type { LocalStack } from "../stack/local-stack";

export { costJson, formatCostTable };

export async function costOfExecution(
    stack: LocalStack,
    executionArn: string,
    stopWaiting?: () => boolean,
): Promise<CostReport> {
    return executionCost(stack, executionArn, allHistory(stack, executionArn), { stopWaiting });
}

/**
 * For --serve: an onEvent hook that prints each execution's cost summary when it ends. `stack`
 * gives the stack once it runs; `settling` holds the forecasts still being taken (awaited at exit).
 */
export function serveCostReporter(stack: () => LocalStack | undefined, write: (line: string) => void) {
    const settling = new Set<Promise<void>>();
    let exiting = false;
    const onEvent = (executionArn: string, event: HistoryEvent) => {
        const running = stack();
        if (!running || !TERMINAL_EVENTS.has(event.type ?? "")) return;
        const job = costOfExecution(running, executionArn, () => exiting)
            .then(report => write(formatCostSummary(executionArn, report)))
            .catch(err => write(`cost forecast for ${executionArn} failed: ${err?.message ?? err}`))
            .finally(() => settling.delete(job));
        settling.add(job);
    };
    /** At exit: forecasts still waiting for their tasks to stop are taken now. */
    const settled = () => {
        exiting = true;
        return Promise.all([...settling]).then(() => undefined);
    };
    return { onEvent, settled };
}
