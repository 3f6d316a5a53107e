// An execution's whole history from the local engine, page by page (at most 1,000 events a page).
import type { HistoryEvent } from "../sfn/engine";
import type { LocalStack } from "../stack/local-stack";

export function allHistory(stack: LocalStack, executionArn: string): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
        const page = stack.engine.getExecutionHistory(executionArn, { nextToken, maxResults: 1000 });
        events.push(...page.events);
        nextToken = page.nextToken;
    } while (nextToken);
    return events;
}
