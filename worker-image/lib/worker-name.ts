// The workerName Step Functions shows in ActivityStarted: WORKER_NAME, else the ECS task id from
// the container metadata endpoint (Fargate sets ECS_CONTAINER_METADATA_URI_V4), else host and pid.
import * as http from "http";
import { backoffDelayMs } from "./retry";
import { sleep } from "./sleep";

export interface WorkerIdentity {
    workerName: string;
    /** This container's ECS task ARN, when the metadata endpoint told us. */
    ecsTaskArn?: string;
    source: "env" | "ecs" | "host";
}

/** The task id from an ECS task ARN (arn:aws:ecs:region:account:task/cluster/id), or undefined. */
export function ecsTaskIdFromArn(arn: unknown): string | undefined {
    if (typeof arn !== "string") return undefined;
    const m = /^arn:[^:]+:ecs:[^:]*:\d*:task\/(?:[^/]+\/)?([A-Za-z0-9-]{1,80})$/.exec(arn);
    return m?.[1];
}

/** GET `url` as JSON within `timeoutMs`, or undefined on any failure or once `signal` aborts. */
export function fetchJson(url: string, timeoutMs: number, signal?: AbortSignal): Promise<unknown> {
    return new Promise(resolve => {
        let settled = false;
        const finish = (value: unknown) => {
            if (!settled) {
                settled = true;
                resolve(value);
            }
        };
        try {
            const req = http.get(url, { timeout: timeoutMs, signal }, res => {
                let body = "";
                res.setEncoding("utf8");
                res.on("data", chunk => {
                    if (body.length < 1_000_000) body += chunk;
                });
                res.on("end", () => {
                    try {
                        finish(res.statusCode === 200 ? JSON.parse(body) : undefined);
                    } catch {
                        finish(undefined);
                    }
                });
                res.on("error", () => finish(undefined));
            });
            req.on("timeout", () => {
                req.destroy();
                finish(undefined);
            });
            req.on("error", () => finish(undefined));
        } catch {
            finish(undefined);
        }
    });
}

/**
 * How long the worker waits for its task metadata, in attempts of at most METADATA_ATTEMPT_MS.
 * On Fargate the endpoint answers within milliseconds, but a container that starts beside many
 * others may find it slow, or not yet answering: without the answer it neither names itself after
 * its ECS task (the healer follows which container took whose task by that name, and heals when it
 * cannot) nor can tag the task it takes. ECS_CONTAINER_METADATA_URI_V4 is set only on ECS, where
 * the endpoint exists, so waiting for it only delays a first poll that would otherwise go out
 * under a name no one can follow.
 */
export const METADATA_WAIT_MS = 30_000;
export const METADATA_ATTEMPT_MS = 5000;
const METADATA_BACKOFF = { baseDelayMs: 100, maxDelayMs: 1000 };

/**
 * The task's metadata, asked again after a failure or a timeout until `waitMs` has passed; a stop
 * request (`signal`) ends the wait at once: the worker then stops without polling.
 */
async function fetchTaskMetadata(
    uri: string,
    waitMs: number,
    signal: AbortSignal | undefined,
): Promise<{ TaskARN?: unknown } | undefined> {
    const deadline = Date.now() + waitMs;
    for (let attempt = 0; !signal?.aborted; attempt++) {
        const attemptMs = Math.max(1, Math.min(METADATA_ATTEMPT_MS, deadline - Date.now()));
        const task = (await fetchJson(`${uri.replace(/\/$/, "")}/task`, attemptMs, signal)) as
            { TaskARN?: unknown } | undefined;
        if (task !== undefined || deadline - Date.now() <= 0) return task;
        await sleep(
            Math.min(backoffDelayMs(attempt + 1, METADATA_BACKOFF), Math.max(0, deadline - Date.now())),
            signal,
        );
    }
    return undefined;
}

export async function resolveWorkerIdentity(options: {
    env: Record<string, string | undefined>;
    hostname: string;
    pid: number;
    workerName?: string;
    /** Default METADATA_WAIT_MS. */
    metadataTimeoutMs?: number;
    /** A stop request: ends the wait for the metadata. */
    signal?: AbortSignal;
}): Promise<WorkerIdentity> {
    const metadataUri = options.env.ECS_CONTAINER_METADATA_URI_V4 || options.env.ECS_CONTAINER_METADATA_URI;
    let ecsTaskArn: string | undefined;
    if (metadataUri) {
        const task = await fetchTaskMetadata(
            metadataUri,
            options.metadataTimeoutMs ?? METADATA_WAIT_MS,
            options.signal,
        );
        if (ecsTaskIdFromArn(task?.TaskARN)) ecsTaskArn = task!.TaskARN as string;
    }
    if (options.workerName) return { workerName: options.workerName, ecsTaskArn, source: "env" };
    const taskId = ecsTaskIdFromArn(ecsTaskArn);
    if (taskId) return { workerName: taskId, ecsTaskArn, source: "ecs" };
    return { workerName: `${options.hostname}-${options.pid}`.slice(-80), source: "host" };
}
