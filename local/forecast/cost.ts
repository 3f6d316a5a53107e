// The AWS cost of one execution as deployed: its usage (run-usage.ts) priced with prices.json.
// Fargate bills each task per second from the start of its image pull to its stop, with a minimum
// of one minute; Lambda per millisecond of each invocation plus per request; Step Functions per
// state transition, retries included.
import PRICES from "./prices.json";
import { RunUsage, TaskUsage } from "./run-usage";

export type Prices = typeof PRICES;
export { PRICES };

export interface CostItem {
    item: string;
    quantity: number;
    unit: string;
    usd: number;
    /** Why the figure is an estimate, when it is. */
    estimate?: string;
}

export interface CostReport {
    items: CostItem[];
    totalUsd: number;
    notes: string[];
}

/** The seconds Fargate bills for a task: rounded up to the second, at least the minimum. */
export function billedSeconds(seconds: number, prices: Prices = PRICES): number {
    return Math.max(prices.fargate.billing.minimumSeconds, Math.ceil(seconds - 1e-9));
}

/** Fargate's price per vCPU-second and GB-second for a task's architecture and capacity. */
export function fargateRates(task: Pick<TaskUsage, "architecture" | "spot">, prices: Prices = PRICES) {
    const rates = prices.fargate[task.architecture];
    const factor = task.spot ? 1 - prices.fargate.spotDiscount.fraction : 1;
    return { vcpuSecondUsd: (rates.vcpuHourUsd / 3600) * factor, gbSecondUsd: (rates.gbHourUsd / 3600) * factor };
}

function fargateItems(tasks: TaskUsage[], prices: Prices): CostItem[] {
    const groups = new Map<string, TaskUsage[]>();
    for (const task of tasks) {
        const key = `${task.architecture}, ${task.spot ? "FARGATE_SPOT" : "FARGATE"}`;
        groups.set(key, [...(groups.get(key) ?? []), task]);
    }
    const items: CostItem[] = [];
    for (const [key, group] of groups) {
        const rates = fargateRates(group[0], prices);
        const vcpuSeconds = group.reduce((sum, t) => sum + t.vcpu * billedSeconds(t.seconds, prices), 0);
        const gbSeconds = group.reduce((sum, t) => sum + t.memoryGb * billedSeconds(t.seconds, prices), 0);
        const sources = [...new Set(group.map(t => t.secondsSource))].join("; ");
        const estimate = [
            `${group.length} task(s), seconds from ${sources}; per-second billing with a ${prices.fargate.billing.minimumSeconds} s minimum (the minimum is from third-party pages)`,
            group[0].architecture === "ARM64" ? "ARM64 prices from third-party copies" : undefined,
            group[0].spot
                ? `Spot at ${Math.round(prices.fargate.spotDiscount.fraction * 100)} % off (its price changes)`
                : undefined,
        ]
            .filter(Boolean)
            .join("; ");
        items.push({
            item: `Fargate vCPU (${key})`,
            quantity: vcpuSeconds,
            unit: "vCPU-s",
            usd: vcpuSeconds * rates.vcpuSecondUsd,
            estimate,
        });
        items.push({
            item: `Fargate memory (${key})`,
            quantity: gbSeconds,
            unit: "GB-s",
            usd: gbSeconds * rates.gbSecondUsd,
            estimate,
        });
    }
    return items;
}

function lambdaItems(usage: RunUsage, prices: Prices): CostItem[] {
    const items: CostItem[] = [];
    for (const fn of usage.lambdas) {
        if (fn.durationsMs.length === 0) continue;
        const gbSeconds = fn.durationsMs.reduce((sum, ms) => sum + (Math.ceil(ms) / 1000) * fn.memoryGb, 0);
        const rate = prices.lambda[fn.architecture];
        items.push({
            item: `Lambda ${fn.functionName} duration`,
            quantity: gbSeconds,
            unit: "GB-s",
            usd: gbSeconds * rate.gbSecondUsd,
            estimate: "durations measured on this machine",
        });
        items.push({
            item: `Lambda ${fn.functionName} requests`,
            quantity: fn.durationsMs.length,
            unit: "requests",
            usd: fn.durationsMs.length * prices.lambda.requestUsd,
        });
    }
    return items;
}

export function forecastCost(usage: RunUsage, prices: Prices = PRICES): CostReport {
    const transitions = usage.transitions.statesEntered + usage.transitions.retries;
    const items: CostItem[] = [
        ...fargateItems(usage.tasks, prices),
        {
            item: "Step Functions state transitions",
            quantity: transitions,
            unit: "transitions",
            usd: transitions * prices.stepFunctions.transitionUsd,
            estimate: usage.transitions.hasParallelOrMap
                ? `${usage.transitions.statesEntered} states entered + ${usage.transitions.retries} retries; how AWS counts a Parallel's or Map's branches is not documented`
                : undefined,
        },
        ...lambdaItems(usage, prices),
    ];
    const ipSeconds = usage.tasks.filter(t => t.publicIp).reduce((sum, t) => sum + t.seconds, 0);
    if (ipSeconds > 0)
        items.push({
            item: "Public IPv4",
            quantity: ipSeconds / 3600,
            unit: "address-hours",
            usd: (ipSeconds / 3600) * prices.publicIpv4.hourUsd,
            estimate: "while each task runs, from its image pull to its stop",
        });
    const logGb = usage.logBytes / 1e9;
    items.push({
        item: "CloudWatch Logs ingestion",
        quantity: logGb,
        unit: "GB",
        usd: logGb * prices.cloudWatchLogs.ingestedGbUsd,
        estimate: "bytes written on this machine; price from third-party copies",
    });
    const { writeUnits, readUnits } = usage.dynamoDb;
    if (writeUnits + readUnits > 0)
        items.push({
            item: "DynamoDB requests (the healer's claims)",
            quantity: writeUnits + readUnits,
            unit: "request units",
            usd: writeUnits * prices.dynamoDb.writeRequestUnitUsd + readUnits * prices.dynamoDb.readRequestUnitUsd,
            estimate: `${writeUnits} write and ${readUnits} read units`,
        });
    const totalUsd = items.reduce((sum, i) => sum + i.usd, 0);
    const notes = [
        ...(usage.notes ?? []),
        `Prices: ${prices.region}, on demand, checked ${prices.checked} (local/forecast/prices.json); free tiers not applied; free: EventBridge's ECS events, ECS API calls.`,
    ];
    return { items, totalUsd, notes };
}
