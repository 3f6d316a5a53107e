// The test hooks of the local Step Functions endpoint: a log of every request that reached an
// operation (with how it was answered), waiting for a request to arrive, and faults injected in
// an operation's place.
import { EventEmitter } from "events";
import { AwsServiceError, OperationHandler, RequestContext } from "../shared/aws-json-server";

/** One request as the endpoint saw it. */
export interface RecordedRequest {
    /** 1, 2, 3... in order of arrival. */
    seq: number;
    operation: string;
    /** Date.now() when the request reached its operation. */
    time: number;
    body: any;
    /** Set when the operation answered (or the client left). */
    finishedAt?: number;
    /** HTTP status sent, 200 or the error's. */
    status?: number;
    /** The AWS error name when it failed. */
    errorCode?: string;
    /** The answer's body when it succeeded. */
    response?: unknown;
    /** True when the client had gone before the answer was ready. */
    clientGone?: boolean;
    /** True when the answer came from an injected fault (the operation did not run). */
    injected?: boolean;
}

/** The next `times` calls of `operation` fail with this error without reaching the operation. */
export interface InjectedFault {
    operation: string;
    /** Default 1. */
    times?: number;
    /** Default 500. */
    status?: number;
    /** Default `InternalFailure` (or `ThrottlingException` for status 429 / 400 when you set it). */
    code?: string;
    message?: string;
}

type PendingFault = Required<Omit<InjectedFault, "message">> & { message?: string };

/** How many of the latest requests a recorder keeps by default (a --serve process runs for days). */
export const RECORDED_REQUESTS = 5000;

/**
 * Records the requests of the operations it wraps, and answers injected faults in their place.
 * It keeps the latest `limit` requests (up to a tenth more, dropped in batches).
 */
export class RequestRecorder {
    /** The requests that reached an operation, in order of arrival: the latest `limit` of them. */
    readonly requests: RecordedRequest[] = [];
    /** Requests seen per operation since recording started. */
    private readonly counts = new Map<string, number>();
    private readonly faults: PendingFault[] = [];
    private readonly events = new EventEmitter();
    private seq = 0;

    constructor(private readonly limit = RECORDED_REQUESTS) {
        this.events.setMaxListeners(0);
    }

    /** The same operations, each recording its requests and answering injected faults. */
    wrap(operations: Record<string, OperationHandler>): Record<string, OperationHandler> {
        const wrapped: Record<string, OperationHandler> = {};
        for (const [operation, handler] of Object.entries(operations)) {
            wrapped[operation] = (body, ctx) => this.serve(operation, handler, body, ctx);
        }
        return wrapped;
    }

    private async serve(operation: string, handler: OperationHandler, body: any, ctx: RequestContext) {
        const record: RecordedRequest = { seq: ++this.seq, operation, time: Date.now(), body };
        this.requests.push(record);
        this.counts.set(operation, (this.counts.get(operation) ?? 0) + 1);
        if (this.requests.length > this.limit + Math.ceil(this.limit / 10))
            this.requests.splice(0, this.requests.length - this.limit);
        this.events.emit("request", record);
        try {
            const fault = this.takeFault(operation);
            if (fault) {
                record.injected = true;
                throw new AwsServiceError(fault.code, fault.message ?? `injected fault for ${operation}`, fault.status);
            }
            const response = await handler(body, ctx);
            record.status = 200;
            record.response = response;
            return response;
        } catch (err) {
            record.status = err instanceof AwsServiceError ? err.status : 500;
            record.errorCode = err instanceof AwsServiceError ? err.code : "InternalFailure";
            throw err;
        } finally {
            record.finishedAt = Date.now();
            record.clientGone = ctx.signal.aborted;
            this.events.emit("finished", record);
        }
    }

    /** The first fault injected for `operation`, counted down (and dropped at zero); undefined if none. */
    private takeFault(operation: string): PendingFault | undefined {
        const i = this.faults.findIndex(f => f.operation === operation);
        if (i < 0) return undefined;
        const fault = this.faults[i];
        if (--fault.times <= 0) this.faults.splice(i, 1);
        return fault;
    }

    requestsFor(operation: string): RecordedRequest[] {
        return this.requests.filter(r => r.operation === operation);
    }

    injectFault(fault: InjectedFault): void {
        const status = fault.status ?? 500;
        this.faults.push({
            operation: fault.operation,
            times: fault.times ?? 1,
            status,
            code: fault.code ?? (status === 429 ? "ThrottlingException" : "InternalFailure"),
            message: fault.message,
        });
    }

    clearFaults(): void {
        this.faults.splice(0);
    }

    /**
     * Resolves with the `count`-th request (1 = the first, counted since recording started) of
     * `operation`, when it arrives or already has. Rejects after `timeoutMs` (default 10 s).
     */
    waitForRequest(operation: string, opts: { count?: number; timeoutMs?: number } = {}): Promise<RecordedRequest> {
        const count = opts.count ?? 1;
        const timeoutMs = opts.timeoutMs ?? 10_000;
        const total = this.counts.get(operation) ?? 0;
        if (total >= count) {
            const kept = this.requestsFor(operation);
            const found = kept[kept.length - (total - count) - 1];
            if (found) return Promise.resolve(found);
            return Promise.reject(new Error(`${operation} request #${count} is no longer recorded`));
        }
        return new Promise((resolve, reject) => {
            let n = total;
            const onRequest = (r: RecordedRequest) => {
                if (r.operation !== operation || ++n < count) return;
                cleanup();
                resolve(r);
            };
            const timer = setTimeout(() => {
                cleanup();
                reject(
                    new Error(`timed out after ${timeoutMs} ms waiting for ${operation} request #${count} (saw ${n})`),
                );
            }, timeoutMs);
            const cleanup = () => {
                clearTimeout(timer);
                this.events.off("request", onRequest);
            };
            this.events.on("request", onRequest);
        });
    }
}
