// The workerName Step Functions shows in ActivityStarted: WORKER_NAME, else the ECS task id from
// the container metadata endpoint (Fargate sets ECS_CONTAINER_METADATA_URI_V4), else host and pid.
import * as http from "http";

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

/** GET `url` as JSON within `timeoutMs`, or undefined on any failure. */
export function fetchJson(url: string, timeoutMs: number): Promise<unknown> {
    return new Promise(resolve => {
        let settled = false;
        const finish = (value: unknown) => {
            if (!settled) {
                settled = true;
                resolve(value);
            }
        };
        try {
            const req = http.get(url, { timeout: timeoutMs }, res => {
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
 * How long the worker waits for its task metadata. On Fargate the endpoint answers within
 * milliseconds, but a container that starts beside many others may wait: without the answer it
 * neither names itself after its ECS task (the healer follows which container took whose task by
 * that name) nor can tag the task it takes, so it waits a few seconds rather than one.
 */
export const METADATA_TIMEOUT_MS = 5000;

export async function resolveWorkerIdentity(options: {
    env: Record<string, string | undefined>;
    hostname: string;
    pid: number;
    workerName?: string;
    metadataTimeoutMs?: number;
}): Promise<WorkerIdentity> {
    const metadataUri = options.env.ECS_CONTAINER_METADATA_URI_V4 || options.env.ECS_CONTAINER_METADATA_URI;
    let ecsTaskArn: string | undefined;
    if (metadataUri) {
        const task = (await fetchJson(
            `${metadataUri.replace(/\/$/, "")}/task`,
            options.metadataTimeoutMs ?? METADATA_TIMEOUT_MS,
        )) as { TaskARN?: unknown } | undefined;
        if (ecsTaskIdFromArn(task?.TaskARN)) ecsTaskArn = task!.TaskARN as string;
    }
    if (options.workerName) return { workerName: options.workerName, ecsTaskArn, source: "env" };
    const taskId = ecsTaskIdFromArn(ecsTaskArn);
    if (taskId) return { workerName: taskId, ecsTaskArn, source: "ecs" };
    return { workerName: `${options.hostname}-${options.pid}`.slice(-80), source: "host" };
}
