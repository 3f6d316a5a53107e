// Marks this container's own ECS task when it takes an activity task: the tag tells the healer
// (functions/healer.ts) that this container took a task, so when it stops without reporting, its
// heartbeat or timeout covers that task and the healer must not fail another pending one for it.
// The task role may put only this tag, only on its cluster's tasks.
import * as crypto from "crypto";
import { resolveEcsEndpoint } from "./ecs-endpoint";
import { namedError } from "./errors";
import { encodeTagValue } from "./tag-value";

/** Must equal TASK_TAKEN_TAG_KEY in functions/trigger.ts (a test checks). */
export const TASK_TAKEN_TAG_KEY = "step-functions-activity-task";

export interface TaskMarker {
    /** Tags the ECS task with the execution whose activity task it took. Rejects on failure. */
    markTaken(executionArn: string | undefined, options?: { timeoutMs?: number }): Promise<void>;
    /** Loads and builds the client ahead of the first task (called while a poll waits). */
    prepare?(): void;
    destroy(): void;
}

/** The tag value: the execution ARN escaped into what ECS allows in a tag (tag-value.ts), or "unknown". */
export function takenTagValue(executionArn: string | undefined): string {
    return encodeTagValue(executionArn || "unknown");
}

/** The region of an ECS task ARN, or undefined. */
export function regionOfTaskArn(taskArn: string): string | undefined {
    return /^arn:[^:]+:ecs:([a-z0-9-]+):/.exec(taskArn)?.[1];
}

export interface Credentials {
    accessKeyId: string;
    secretAccessKey: string;
    sessionToken?: string;
}

/** SHA-256 (and HMAC) for the SigV4 signer, from Node's crypto. */
function bytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
    if (typeof data === "string") return Buffer.from(data);
    if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    return new Uint8Array(data);
}

class NodeSha256 {
    private hash: crypto.Hash | crypto.Hmac;
    constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
        this.hash = secret === undefined ? crypto.createHash("sha256") : crypto.createHmac("sha256", bytes(secret));
    }
    update(data: string | ArrayBuffer | ArrayBufferView): void {
        this.hash.update(bytes(data));
    }
    async digest(): Promise<Uint8Array> {
        return new Uint8Array(this.hash.digest());
    }
    reset(): void {
        // Each signature makes its own hash.
    }
}

/** What the marker shares with the worker's Step Functions client. */
export interface MarkerSdk {
    /** That client's credential provider: the task role is fetched once. */
    credentials: () => Promise<Credentials>;
    /** Milliseconds to add to Date.now() to get AWS's time: that client's offset, which the SDK corrects. */
    clockOffsetMs(): number;
    setClockOffsetMs(offsetMs: number): void;
    /** FIPS and dual-stack as that client resolved them (environment or profile). */
    endpointOptions(): Promise<{ useFipsEndpoint: boolean; useDualstackEndpoint: boolean }>;
}

/** Names AWS gives a request refused for the time of its signature. */
const CLOCK_SKEW_ERRORS = [
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "RequestExpired",
    "RequestTimeTooSkewed",
    "RequestInTheFuture",
];
/** The SDK retries a call refused for its time once the correction reaches 4 minutes (AWS allows 5). */
const SKEW_RETRY_THRESHOLD_MS = 240_000;

/**
 * After an answer that refused the signature's time, takes AWS's time from its Date header, as the
 * SDK does for its own calls, and marks the error `clockSkewCorrected` so the call is retried.
 */
function correctClock(error: unknown, sdk: MarkerSdk, signedWithOffset: number): void {
    const e = error as { name?: string; serverDate?: string; $metadata?: { clockSkewCorrected?: boolean } };
    const serverTime = e.serverDate ? Date.parse(e.serverDate) : NaN;
    if (!CLOCK_SKEW_ERRORS.includes(e.name ?? "") || Number.isNaN(serverTime)) return;
    const offset = serverTime - Date.now();
    sdk.setClockOffsetMs(offset);
    if (Math.abs(offset) >= SKEW_RETRY_THRESHOLD_MS && offset !== signedWithOffset && e.$metadata)
        e.$metadata.clockSkewCorrected = true;
}

/**
 * A marker that sends ECS TagResource as one SigV4-signed request. The ECS SDK client would cost
 * about 12 ms of module loading on the path between taking a task and running its job; the signer
 * is already loaded by the Step Functions client, and so are the credentials and the clock offset
 * (`sdk`: that client's). The endpoint follows the ECS client's own rules (ecs-endpoint.ts).
 */
export function ecsTaskMarker(ecsTaskArn: string, region: string, sdk: MarkerSdk): TaskMarker {
    let signer: InstanceType<typeof import("@smithy/signature-v4").SignatureV4> | undefined;
    let endpoint: Promise<URL> | undefined;
    const prepare = () => {
        endpoint ??= sdk.endpointOptions().then(options => resolveEcsEndpoint({ region, ...options }));
        endpoint.catch(() => undefined); // markTaken reports it
        if (signer) return;
        const { SignatureV4 } = require("@smithy/signature-v4") as typeof import("@smithy/signature-v4");
        signer = new SignatureV4({ service: "ecs", region, credentials: sdk.credentials, sha256: NodeSha256 });
    };
    return {
        prepare,
        markTaken: async (executionArn, options = {}) => {
            prepare();
            const url = await endpoint!;
            const body = JSON.stringify({
                resourceArn: ecsTaskArn,
                tags: [{ key: TASK_TAKEN_TAG_KEY, value: takenTagValue(executionArn) }],
            });
            const offset = sdk.clockOffsetMs();
            const signed = await signer!.sign(
                {
                    method: "POST",
                    protocol: url.protocol,
                    hostname: url.hostname,
                    port: url.port ? Number(url.port) : undefined,
                    path: url.pathname || "/",
                    query: {},
                    headers: {
                        host: url.host,
                        "content-type": "application/x-amz-json-1.1",
                        "x-amz-target": "AmazonEC2ContainerServiceV20141113.TagResource",
                    },
                    body,
                },
                { signingDate: new Date(Date.now() + offset) },
            );
            await postSigned(url, signed.headers, body, options.timeoutMs).catch(error => {
                correctClock(error, sdk, offset);
                throw error;
            });
        },
        destroy: () => undefined,
    };
}

/** Sends the signed request; resolves on 200, rejects with ECS's error name otherwise. */
function postSigned(endpoint: URL, headers: Record<string, string>, body: string, timeoutMs?: number): Promise<void> {
    const transport =
        endpoint.protocol === "https:"
            ? (require("https") as typeof import("https"))
            : (require("http") as typeof import("http"));
    return new Promise((resolve, reject) => {
        const request = transport.request(
            endpoint,
            { method: "POST", headers: { ...headers, "content-length": Buffer.byteLength(body) }, timeout: timeoutMs },
            response => {
                const chunks: Buffer[] = [];
                response.on("data", chunk => chunks.push(chunk));
                response.on("end", () => {
                    if (response.statusCode === 200) return resolve();
                    const text = Buffer.concat(chunks).toString("utf8");
                    let name = `HTTP${response.statusCode}`;
                    let message = text;
                    try {
                        const parsed = JSON.parse(text);
                        name = String(parsed.__type ?? name)
                            .split("#")
                            .pop()!;
                        message = parsed.message ?? parsed.Message ?? text;
                    } catch {
                        // not JSON: keep the text
                    }
                    const error = namedError(name, message) as Error & {
                        $metadata?: { httpStatusCode?: number };
                        serverDate?: string;
                    };
                    error.$metadata = { httpStatusCode: response.statusCode };
                    error.serverDate = response.headers.date;
                    reject(error);
                });
            },
        );
        request.on("timeout", () => request.destroy(namedError("TimeoutError", `no answer within ${timeoutMs} ms`)));
        request.on("error", reject);
        request.end(body);
    });
}
