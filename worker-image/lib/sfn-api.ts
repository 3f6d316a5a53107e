// The four Step Functions calls a worker makes, over the AWS SDK v3 client. The rest of the
// library sees only `ActivityApi`, so its logic is testable without a server.
import {
    GetActivityTaskCommand,
    SendTaskFailureCommand,
    SendTaskHeartbeatCommand,
    SendTaskSuccessCommand,
    SFNClient,
} from "@aws-sdk/client-sfn";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { namedError } from "./errors";
import type { Credentials, MarkerSdk } from "./task-marker";

export interface CallOptions {
    /** Give up on this one request after this long (it then fails as a retryable TimeoutError). */
    timeoutMs?: number;
}

export interface ActivityTask {
    /** Absent when the long poll ended without a task. */
    taskToken?: string;
    input?: string;
}

export interface ActivityApi {
    getActivityTask(request: { activityArn: string; workerName?: string }): Promise<ActivityTask>;
    sendTaskSuccess(request: { taskToken: string; output: string }, options?: CallOptions): Promise<void>;
    sendTaskFailure(request: { taskToken: string; error: string; cause: string }, options?: CallOptions): Promise<void>;
    sendTaskHeartbeat(request: { taskToken: string }, options?: CallOptions): Promise<void>;
    /** Closes idle connections. */
    destroy(): void;
}

/**
 * GetActivityTask holds the request up to 60 s; AWS asks for a socket timeout of at least 65 s.
 * (NodeHttpHandler's requestTimeout is a socket idle timeout; 0 would mean none at all.)
 */
export const POLL_REQUEST_TIMEOUT_MS = 70_000;
export const CONNECTION_TIMEOUT_MS = 5_000;

export interface SfnClientOptions {
    region: string;
    requestTimeoutMs?: number;
    connectionTimeoutMs?: number;
}

/**
 * An SFNClient for a worker. `maxAttempts: 1`: the SDK's own retries would re-send a SendTask*
 * (and a GetActivityTask after a stop was requested) out of the worker's sight; the worker decides
 * every retry itself. The endpoint comes from the SDK's usual sources, AWS_ENDPOINT_URL_SFN included.
 */
export function createSfnClient(options: SfnClientOptions): SFNClient {
    const requestTimeout = Math.max(options.requestTimeoutMs ?? POLL_REQUEST_TIMEOUT_MS, 65_000);
    return new SFNClient({
        region: options.region,
        maxAttempts: 1,
        requestHandler: new NodeHttpHandler({
            connectionTimeout: options.connectionTimeoutMs ?? CONNECTION_TIMEOUT_MS,
            requestTimeout,
        }),
    });
}

async function withTimeout<T>(
    timeoutMs: number | undefined,
    run: (abortSignal?: AbortSignal) => Promise<T>,
): Promise<T> {
    if (!timeoutMs) return run(undefined);
    const signal = AbortSignal.timeout(timeoutMs);
    try {
        return await run(signal);
    } catch (err) {
        if (signal.aborted) throw namedError("TimeoutError", `no answer within ${timeoutMs} ms`, err);
        throw err;
    }
}

export function sfnActivityApi(client: SFNClient): ActivityApi {
    // The SDK's abortSignal type is its own structural AbortSignal; Node's satisfies it.
    type SendOptions = Parameters<SFNClient["send"]>[1];
    const opts = (abortSignal?: AbortSignal) => (abortSignal ? ({ abortSignal } as unknown as SendOptions) : undefined);
    return {
        getActivityTask: async request => {
            const out = await client.send(new GetActivityTaskCommand(request));
            return { taskToken: out.taskToken || undefined, input: out.input };
        },
        sendTaskSuccess: (request, o) =>
            withTimeout(
                o?.timeoutMs,
                async s => void (await client.send(new SendTaskSuccessCommand(request), opts(s))),
            ),
        sendTaskFailure: (request, o) =>
            withTimeout(
                o?.timeoutMs,
                async s => void (await client.send(new SendTaskFailureCommand(request), opts(s))),
            ),
        sendTaskHeartbeat: (request, o) =>
            withTimeout(
                o?.timeoutMs,
                async s => void (await client.send(new SendTaskHeartbeatCommand(request), opts(s))),
            ),
        destroy: () => client.destroy(),
    };
}

/**
 * What the task marker shares with this client: its credentials (one fetch of the task role), its
 * clock offset (which the SDK corrects from AWS's Date header, so a container whose clock is off
 * still signs in time), and its FIPS and dual-stack settings.
 */
export function markerSdkOf(client: SFNClient): MarkerSdk {
    const config = client.config;
    return {
        credentials: () => (config.credentials as () => Promise<Credentials>)(),
        clockOffsetMs: () => config.systemClockOffset ?? 0,
        setClockOffsetMs: offset => {
            config.systemClockOffset = offset;
        },
        endpointOptions: async () => ({
            useFipsEndpoint: await config.useFipsEndpoint(),
            useDualstackEndpoint: await config.useDualstackEndpoint(),
        }),
    };
}
