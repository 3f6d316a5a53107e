// A minimal AWS JSON protocol server (1.0 for Step Functions, 1.1 for ECS) on 127.0.0.1, so the
// real SDK v3 clients can talk to local endpoints through AWS_ENDPOINT_URL_<SERVICE>.
import * as http from "http";
import { AddressInfo } from "net";

/** An error the SDK will read as a modeled exception: `__type` carries the name. */
export class AwsServiceError extends Error {
    constructor(
        readonly code: string,
        message: string,
        readonly status = 400,
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
    send(res, err.status, spec.protocol, { __type: type, message: err.message });
}

export function startAwsJsonServer(spec: AwsJsonServiceSpec, options: { port?: number } = {}): Promise<RunningServer> {
    const maxBody = spec.maxBodyBytes ?? 1024 * 1024;
    const server = http.createServer((req, res) => {
        const abort = new AbortController();
        res.on("close", () => abort.abort());
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size <= maxBody) chunks.push(chunk);
        });
        req.on("end", async () => {
            try {
                if (req.method !== "POST")
                    throw new AwsServiceError(
                        "UnknownOperationException",
                        `${req.method} is not supported; AWS JSON calls are POST /`,
                    );
                if (size > maxBody)
                    throw new AwsServiceError(
                        "RequestEntityTooLargeException",
                        `request body of ${size} bytes exceeds ${maxBody}`,
                        413,
                    );
                const target = String(req.headers["x-amz-target"] ?? "");
                const [prefix, operation] = target.split(".");
                const handler = prefix === spec.targetPrefix ? spec.operations[operation] : undefined;
                if (!handler || !Object.hasOwn(spec.operations, operation)) {
                    throw new AwsServiceError(
                        "UnknownOperationException",
                        `unknown operation ${JSON.stringify(target)}`,
                    );
                }
                let body: unknown;
                try {
                    body = size === 0 ? {} : JSON.parse(Buffer.concat(chunks).toString("utf8"));
                } catch {
                    throw new AwsServiceError("SerializationException", "request body is not valid JSON");
                }
                if (body === null || typeof body !== "object" || Array.isArray(body))
                    throw new AwsServiceError("SerializationException", "request body must be a JSON object");
                const result = await handler(body, { signal: abort.signal });
                if (!res.destroyed) send(res, 200, spec.protocol, result);
            } catch (err: any) {
                if (res.destroyed) return;
                if (err instanceof AwsServiceError) sendError(res, spec, err);
                else sendError(res, spec, new AwsServiceError("InternalFailure", String(err?.message ?? err), 500));
            }
        });
    });
    // Long polls hold requests for up to 60 s; Node's defaults would cut them.
    server.requestTimeout = 0;
    server.headersTimeout = 70_000;
    server.keepAliveTimeout = 65_000;
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, "127.0.0.1", () => {
            const port = (server.address() as AddressInfo).port;
            resolve({
                url: `http://127.0.0.1:${port}`,
                port,
                close: () =>
                    new Promise<void>(done => {
                        server.close(() => done());
                        server.closeAllConnections();
                    }),
            });
        });
    });
}
