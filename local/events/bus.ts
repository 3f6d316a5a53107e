// EventBridge's default bus, locally: each published event goes to the target of every rule whose
// pattern matches it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
// Delivery is asynchronous, as AWS's is: publish returns at once and the bus keeps count of the
// deliveries still running, so its owner can wait for them before it shuts the targets down.
//
// ECS sends its events at least once, so a task state change may arrive twice with the same
// `detail.version` (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwet_handling.html;
// durable delivery: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-delivery-level.html).
// Duplicates are rare, so the bus delivers each event once by default; its test hook makes copies,
// at the same moment (separate Lambda environments then run them side by side) or later.
import { matchesEventPattern } from "./event-pattern";

export interface EventRule {
    ruleName: string;
    /** The rule's event pattern, parsed. */
    pattern: Record<string, unknown>;
    /** The ARN of the rule's target. */
    targetArn: string;
}

/** Delivers one event to one target (a Lambda invocation, for example); its failures are the target's. */
export type DeliverEvent = (targetArn: string, event: unknown) => Promise<unknown>;

/** Test hook: more copies of each event, as AWS's at-least-once delivery sometimes makes. */
export interface DuplicateDeliveries {
    /** Copies of each matching event beyond the first (default 1). */
    copies?: number;
    /** Share (0–1) of the copies delivered at the same moment as the first (default 1); the others come `laterMs` after it. */
    concurrentShare?: number;
    /** Delay of the later copies (default 60 s). */
    laterMs?: number;
    /** Which events get copies (default every one). */
    filter?: (event: unknown) => boolean;
}

export interface EventBusTestHooks {
    /** From now on, deliver copies of events as `options` say; undefined: once again. */
    duplicateDeliveries(options: DuplicateDeliveries | undefined): void;
}

export interface EventBus {
    publish(event: unknown): void;
    /** Deliveries still running or due (copies waiting for their later moment). */
    pending(): number;
    /** Drops the copies not yet due, then settles once every delivery started so far has settled. */
    drain(): Promise<void>;
    readonly testHooks: EventBusTestHooks;
}

/** A delivery that failed in the runtime itself (not the target's own error, which it reports). */
export type DeliveryFailed = (targetArn: string, error: unknown) => void;

/** How many copies of the next event go at once and how many later, spreading the concurrent share evenly. */
function copyPlan(options: DuplicateDeliveries, counter: { copies: number }): { now: number; later: number } {
    const share = Math.min(1, Math.max(0, options.concurrentShare ?? 1));
    let now = 0;
    let later = 0;
    for (let i = 0; i < (options.copies ?? 1); i++) {
        const n = counter.copies++;
        if (Math.floor((n + 1) * share) > Math.floor(n * share)) now++;
        else later++;
    }
    return { now, later };
}

export function createEventBus(rules: EventRule[], deliver: DeliverEvent, onFailure: DeliveryFailed): EventBus {
    const running = new Set<Promise<unknown>>();
    const due = new Set<NodeJS.Timeout>();
    let duplicates: DuplicateDeliveries | undefined;
    const counter = { copies: 0 };

    const start = (targetArn: string, event: unknown) => {
        const delivery: Promise<unknown> = deliver(targetArn, event)
            .catch(error => onFailure(targetArn, error))
            .finally(() => running.delete(delivery));
        running.add(delivery);
    };
    const startLater = (targetArn: string, event: unknown, ms: number) => {
        const timer = setTimeout(() => {
            due.delete(timer);
            start(targetArn, event);
        }, ms);
        due.add(timer);
    };

    return {
        publish(event) {
            const plan =
                duplicates && (duplicates.filter?.(event) ?? true)
                    ? copyPlan(duplicates, counter)
                    : { now: 0, later: 0 };
            for (const rule of rules) {
                if (!matchesEventPattern(rule.pattern, event)) continue;
                for (let i = 0; i <= plan.now; i++) start(rule.targetArn, event);
                for (let i = 0; i < plan.later; i++) startLater(rule.targetArn, event, duplicates?.laterMs ?? 60_000);
            }
        },
        pending: () => running.size + due.size,
        drain: async () => {
            for (const timer of due) clearTimeout(timer);
            due.clear();
            await Promise.allSettled([...running]);
        },
        testHooks: {
            duplicateDeliveries(options) {
                duplicates = options;
            },
        },
    };
}
