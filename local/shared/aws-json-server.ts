// A minimal AWS JSON protocol server (1.0 for Step Functions, 1.1 for ECS) on 127.0.0.1, so the
// real SDK v3 clients can talk to local endpoints through AWS_ENDPOINT_URL_<SERVICE>.
import * as http from "http";
import { AddressInfo } from "net";
import { signatureTimeProblem } from "./signature-date";

/** An error the SDK will read as a modeled exception: `__type` carries the name. */
export class AwsServiceError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly status = 400,
        /** More members of the error's body (DynamoDB's ConditionalCheckFailedException carries the `Item`). */
        readonly fields: Record<string, unknown> = {},
    ) {
        super(message);
        this.name = code;
    }
}

export interface RequestContext {
    /** Aborted when the client goes away (so a long poll can give up its place). */
    signal: AbortSignal;
}

export type OperationHandler = (body: any, ctx: RequestContext) => unknown | Promise<unknown>;

export interface AwsJsonServiceSpec {
    /** "1.0" (Step Functions) or "1.1" (ECS). */
    protocol: "1.0" | "1.1";
    /** `X-Amz-Target` prefix, e.g. `AWSStepFunctions`. */
    targetPrefix: string;
    /** Namespace put before error names, e.g. `com.amazonaws.sfn`; none for ECS. */
    errorNamespace?: string;
    operations: Record<string, OperationHandler>;
    /** Request bodies over this are refused before parsing. Default 1 MiB. */
    maxBodyBytes?: number;
}

export interface RunningServer {
    url: string;
    port: number;
    close(): Promise<void>;
}

function send(res: http.ServerResponse, status: number, protocol: string, body: unknown): void {
    const text = JSON.stringify(body ?? {});
    res.writeHead(status, {
        "Content-Type": `application/x-amz-json-${protocol}`,
        "Content-Length": Buffer.byteLength(text),
        "x-amzn-RequestId": crypto.randomUUID(),
    });
    res.end(text);
}

function sendError(res: http.ServerResponse, spec: AwsJsonServiceSpec, err: AwsServiceError): void {
    const type = spec.errorNamespace ? `${spec.errorNamespace}#${err.code}` : err.code;
    if (!res.headersSent) res.setHeader("x-amzn-ErrorType", err.code);
    send(res, err.status, spec.protocol, { ...err.fields, __type: type, message: err.message });
}

/** A request body as it arrived: its chunks up to the size limit, and its full size. */
interface ReceivedBody {
    chunks: Buffer[];
    size: number;
}

export function startAwsJsonServer(spec: AwsJsonServiceSpec, options: { port?: number } = {}): Promise<RunningServer> {
    const maxBody = spec.maxBodyBytes ?? 1024 * 1024;
    const server = http.createServer((req, res) => receive(spec, maxBody, req, res));
    // Long polls hold requests for up to 60 s; Node's defaults would cut them.
    server.requestTimeout = 0;
    server.headersTimeout = 70_000;
    server.keepAliveTimeout = 65_000;
    return listen(server, options.port ?? 0);
}

/** Reads a request's body (keeping at most `maxBody` bytes) and answers it once it has all arrived. */
function receive(spec: AwsJsonServiceSpec, maxBody: number, req: http.IncomingMessage, res: http.ServerResponse) {
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const received: ReceivedBody = { chunks: [], size: 0 };
    req.on("data", (chunk: Buffer) => {
        received.size += chunk.length;
        if (received.size <= maxBody) received.chunks.push(chunk);
    });
    req.on("end", () => answer(spec, maxBody, req, res, received, abort.signal));
}

/** Runs the request's operation and sends its result, or the error as AWS JSON shapes it. */
async function answer(
    spec: AwsJsonServiceSpec,
    maxBody: number,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    received: ReceivedBody,
    signal: AbortSignal,
): Promise<void> {
    try {
        const handler = operationFor(spec, maxBody, req, received);
        const body = parseBody(received);
        const result = await handler(body, { signal });
        if (!res.destroyed) send(res, 200, spec.protocol, result);
    } catch (err: any) {
        if (res.destroyed) return;
        if (err instanceof AwsServiceError) sendError(res, spec, err);
        else sendError(res, spec, new AwsServiceError("InternalFailure", String(err?.message ?? err), 500));
    }
}

/** The operation `X-Amz-Target` names, after the method and body-size checks. */
function operationFor(
    spec: AwsJsonServiceSpec,
    maxBody: number,
    req: http.IncomingMessage,
    received: ReceivedBody,
): OperationHandler {
    if (req.method !== "POST")
        throw new AwsServiceError(
            "UnknownOperationException",
            `${req.method} is not supported; AWS JSON calls are POST /`,
        );
    if (received.size > maxBody)
        throw new AwsServiceError(
            "RequestEntityTooLargeException",
            `request body of ${received.size} bytes exceeds ${maxBody}`,
            413,
        );
    const skewed = signatureTimeProblem(req.headers, Date.now());
    if (skewed) throw new AwsServiceError("InvalidSignatureException", skewed, 403);
    const target = String(req.headers["x-amz-target"] ?? "");
    const [prefix, operation] = target.split(".");
    const handler = prefix === spec.targetPrefix ? spec.operations[operation] : undefined;
    if (!handler || !Object.hasOwn(spec.operations, operation)) {
        throw new AwsServiceError("UnknownOperationException", `unknown operation ${JSON.stringify(target)}`);
    }
    return handler;
}

/** The request body as a JSON object (an empty body is `{}`). */
function parseBody(received: ReceivedBody): object {
    let body: unknown;
    try {
        body = received.size === 0 ? {} : JSON.parse(Buffer.concat(received.chunks).toString("utf8"));
    } catch {
        throw new AwsServiceError("SerializationException", "request body is not valid JSON");
    }
    if (body === null || typeof body !== "object" || Array.isArray(body))
        throw new AwsServiceError("SerializationException", "request body must be a JSON object");
    return body;
}

/** Listens on 127.0.0.1 (`port` 0: a free one); `close` also ends the connections still open. */
function listen(server: http.Server, port: number): Promise<RunningServer> {
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", () => {
            const boundPort = (server.address() as AddressInfo).port;
            resolve({
                url: `http://127.0.0.1:${boundPort}`,
                port: boundPort,
                close: () =>
                    new Promise<void>(done => {
                        server.close(() => done());
                        server.closeAllConnections();
                    }),
            });
        });
    });
}
