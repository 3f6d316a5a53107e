// Marks this container's own ECS task when it takes an activity task: the tag tells the healer
// (functions/healer.ts) that this container took a task, so when it stops without reporting, its
// heartbeat or timeout covers that task and the healer must not fail another pending one for it.
// The task role may put only this tag, only on its cluster's tasks.
import { namedError } from "./errors";

/** Must equal TASK_TAKEN_TAG_KEY in functions/trigger.ts (a test checks). */
export const TASK_TAKEN_TAG_KEY = "step-functions-activity-task";

export interface TaskMarker {
    /** Tags the ECS task with the execution whose activity task it took. Rejects on failure. */
    markTaken(executionArn: string | undefined, options?: { timeoutMs?: number }): Promise<void>;
    /** Loads and builds the client ahead of the first task (called while a poll waits). */
    prepare?(): void;
    destroy(): void;
}

/** The tag value: the execution ARN (ECS allows 256 characters), or "unknown". */
export function takenTagValue(executionArn: string | undefined): string {
    return (executionArn || "unknown").slice(0, 256);
}

/** The region of an ECS task ARN, or undefined. */
export function regionOfTaskArn(taskArn: string): string | undefined {
    return /^arn:[^:]+:ecs:([a-z0-9-]+):/.exec(taskArn)?.[1];
}

/** A marker over the ECS API (AWS_ENDPOINT_URL_ECS is honoured). The ECS client loads on first use. */
export function ecsTaskMarker(ecsTaskArn: string, region: string): TaskMarker {
    let client: { send(c: unknown, o?: unknown): Promise<unknown>; destroy(): void } | undefined;
    let TagResource: new (input: unknown) => unknown;
    const prepare = () => {
        if (client) return;
        // Loaded after the first poll went out, so it costs nothing before it.
        const ecs = require("@aws-sdk/client-ecs") as typeof import("@aws-sdk/client-ecs");
        const { NodeHttpHandler } = require("@smithy/node-http-handler") as typeof import("@smithy/node-http-handler");
        client = new ecs.ECSClient({ region, maxAttempts: 1, requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 10_000 }) }) as unknown as typeof client;
        TagResource = ecs.TagResourceCommand as unknown as typeof TagResource;
    };
    return {
        prepare,
        markTaken: async (executionArn, options = {}) => {
            prepare();
            const command = new TagResource({ resourceArn: ecsTaskArn, tags: [{ key: TASK_TAKEN_TAG_KEY, value: takenTagValue(executionArn) }] });
            const signal = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
            try {
                await client!.send(command, signal ? { abortSignal: signal } : undefined);
            } catch (err) {
                if (signal?.aborted) throw namedError("TimeoutError", `no answer within ${options.timeoutMs} ms`, err);
                throw err;
            }
        },
        destroy: () => client?.destroy(),
    };
}
