// EventBridge's default bus, locally: each published event goes to the target of every rule whose
// pattern matches it (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html).
// Delivery is asynchronous, as AWS's is: publish returns at once and the bus keeps count of the
// deliveries still running, so its owner can wait for them before it shuts the targets down.
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

export interface EventBus {
    publish(event: unknown): void;
    /** Deliveries still running. */
    pending(): number;
    /** Settles once every delivery started so far has settled. */
    drain(): Promise<void>;
}

/** A delivery that failed in the runtime itself (not the target's own error, which it reports). */
export type DeliveryFailed = (targetArn: string, error: unknown) => void;

export function createEventBus(rules: EventRule[], deliver: DeliverEvent, onFailure: DeliveryFailed): EventBus {
    const running = new Set<Promise<unknown>>();
    return {
        publish(event) {
            for (const rule of rules) {
                if (!matchesEventPattern(rule.pattern, event)) continue;
                const delivery: Promise<unknown> = deliver(rule.targetArn, event)
                    .catch(error => onFailure(rule.targetArn, error))
                    .finally(() => running.delete(delivery));
                running.add(delivery);
            }
        },
        pending: () => running.size,
        drain: async () => void (await Promise.allSettled([...running])),
    };
}
