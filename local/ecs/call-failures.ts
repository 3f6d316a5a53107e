// Failures of the ECS API calls themselves, injected by tests: ECS throttling a call, failing it
// with a server error, refusing it, or never answering it. A rule applies to one operation, to its
// next N calls or to a share of its calls until cleared; the operations never see a failed call
// (but for `no-answer`, whose call is carried out and only its answer withheld).
import { AwsServiceError, OperationHandler, RequestContext } from "../shared/aws-json-server";

/**
 * How ECS says no: `throttle` (HTTP 400 `ThrottlingException`, as ECS answers a call over its rate),
 * `server-error` (HTTP 500 `ServerException`), `no-answer` (the call is carried out, its answer
 * never sent: the caller's own timeout ends it), or any error by name (default HTTP 400).
 */
export type CallFailure =
    "throttle" | "server-error" | "no-answer" | { code: string; message?: string; status?: number };

interface CallFailureRule {
    operation: string;
    failure: CallFailure;
    /** Calls left to fail (Infinity for a share). */
    remaining: number;
    /** Probability that a call fails (1 for the next N calls). */
    share: number;
}

/** Calls of one operation that reached the endpoint, and how many of them a rule failed. */
export interface CallCount {
    calls: number;
    failed: number;
}

function errorFor(failure: Exclude<CallFailure, "no-answer">, operation: string): AwsServiceError {
    if (failure === "throttle") return new AwsServiceError("ThrottlingException", "Rate exceeded");
    if (failure === "server-error")
        return new AwsServiceError("ServerException", `${operation} failed on the server (injected by a test)`, 500);
    return new AwsServiceError(
        failure.code,
        failure.message ?? `${operation}: injected ${failure.code}`,
        failure.status,
    );
}

/** Resolves when the client has gone (its timeout ended the call) or the endpoint closed. */
function clientGone(ctx: RequestContext): Promise<void> {
    return new Promise(resolve => {
        if (ctx.signal.aborted) resolve();
        else ctx.signal.addEventListener("abort", () => resolve(), { once: true });
    });
}

export class CallFailures {
    private readonly rules: CallFailureRule[] = [];
    private readonly counts = new Map<string, CallCount>();

    constructor(private readonly random: () => number = Math.random) {}

    failNext(operation: string, failure: CallFailure, times = 1): void {
        this.rules.push({ operation, failure, remaining: times, share: 1 });
    }

    failShare(operation: string, failure: CallFailure, share: number): void {
        if (!(share >= 0 && share <= 1)) throw new Error(`share must be between 0 and 1, got ${share}`);
        this.rules.push({ operation, failure, remaining: Infinity, share });
    }

    clear(): void {
        this.rules.splice(0);
    }

    count(operation: string): CallCount {
        return { ...(this.counts.get(operation) ?? { calls: 0, failed: 0 }) };
    }

    /** The same operations, each failing its calls as the rules say. */
    wrap(operations: Record<string, OperationHandler>): Record<string, OperationHandler> {
        const wrapped: Record<string, OperationHandler> = {};
        for (const [operation, handler] of Object.entries(operations))
            wrapped[operation] = (body, ctx) => this.serve(operation, handler, body, ctx);
        return wrapped;
    }

    private async serve(operation: string, handler: OperationHandler, body: any, ctx: RequestContext) {
        const count = this.counts.get(operation) ?? { calls: 0, failed: 0 };
        this.counts.set(operation, count);
        count.calls++;
        const failure = this.take(operation);
        if (failure === undefined) return handler(body, ctx);
        count.failed++;
        if (failure !== "no-answer") throw errorFor(failure, operation);
        await handler(body, ctx);
        await clientGone(ctx);
        throw new AwsServiceError("RequestAbortedException", "the client went away before the answer", 400);
    }

    /** The failure for this call of `operation`, if a rule takes it (a next-N rule is counted down). */
    private take(operation: string): CallFailure | undefined {
        for (const [i, rule] of this.rules.entries()) {
            if (rule.operation !== operation) continue;
            if (rule.share < 1 && this.random() >= rule.share) continue;
            if (--rule.remaining <= 0) this.rules.splice(i, 1);
            return rule.failure;
        }
        return undefined;
    }
}
