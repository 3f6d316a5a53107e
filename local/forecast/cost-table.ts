// The cost forecast as people and scripts read it: a table under npm start's history, one line
// per execution for --serve, and the `cost` object of --json.
import { CostReport } from "./cost";

/** Dollars with enough digits for sub-cent amounts. */
export function formatUsd(usd: number): string {
    if (usd === 0) return "$0";
    if (usd >= 0.01) return `$${usd.toFixed(4)}`;
    // Three significant digits, written out (no exponent).
    const decimals = Math.min(20, 2 - Math.floor(Math.log10(Math.abs(usd))));
    return `$${usd.toFixed(decimals)}`;
}

function formatQuantity(quantity: number): string {
    if (Number.isInteger(quantity)) return String(quantity);
    if (quantity >= 1) return quantity.toFixed(2);
    return quantity.toPrecision(3);
}

/** The table printed after the execution's status: one row per item, estimates marked [n] and said below. */
export function formatCostTable(report: CostReport): string {
    const estimates = [...new Set(report.items.map(i => i.estimate).filter((e): e is string => Boolean(e)))];
    const mark = (estimate?: string) => (estimate ? ` [${estimates.indexOf(estimate) + 1}]` : "");
    const rows = report.items.map(i => [
        `${i.item}${mark(i.estimate)}`,
        `${formatQuantity(i.quantity)} ${i.unit}`,
        formatUsd(i.usd),
    ]);
    const widths = [0, 1].map(c => Math.max(...rows.map(r => r[c].length), c === 0 ? 4 : 8));
    const line = (r: string[]) => `  ${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2]}`;
    return [
        "cost in AWS (forecast)",
        line(["item", "quantity", "USD"]),
        ...rows.map(line),
        line(["total", "", formatUsd(report.totalUsd)]),
        `  per 1,000 such executions: ${formatUsd(report.totalUsd * 1000)}`,
        ...estimates.map((e, n) => `  [${n + 1}] estimate: ${e}`),
        ...report.notes.map(n => `  ${n}`),
    ].join("\n");
}

/** One line for --serve: the execution, its total and its largest items. */
export function formatCostSummary(executionArn: string, report: CostReport): string {
    const largest = [...report.items]
        .sort((a, b) => b.usd - a.usd)
        .slice(0, 3)
        .map(i => `${i.item} ${formatUsd(i.usd)}`)
        .join(", ");
    return `cost ${formatUsd(report.totalUsd)} (forecast) for ${executionArn}: ${largest}`;
}

/** The `cost` object of npm start --json. */
export function costJson(report: CostReport) {
    return {
        items: report.items.map(i => ({
            item: i.item,
            quantity: i.quantity,
            unit: i.unit,
            usd: i.usd,
            ...(i.estimate ? { estimate: i.estimate } : {}),
        })),
        totalUsd: report.totalUsd,
        notes: report.notes,
    };
}
