// What to do when a Step Functions call fails, and how long to wait before trying again.
// The SDK client is built with maxAttempts 1: every retry is decided here, visibly, once.

/**
 * - `retry`: throttling, 5xx, network or timeout errors: the call may succeed later.
 * - `taskGone`: TaskTimedOut / TaskDoesNotExist / InvalidToken: the task is closed for good;
 *   retrying cannot help and nothing more may be sent for it.
 * - `fatal`: anything else (validation, access denied, InvalidOutput...): retrying repeats it.
 */
export type ErrorKind = "retry" | "taskGone" | "fatal";

const TASK_GONE = new Set(["TaskTimedOut", "TaskDoesNotExist", "InvalidToken"]);
const THROTTLING = new Set([
    "ThrottlingException",
    "Throttling",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "RequestThrottledException",
    "ThrottledException",
    "SlowDown",
    "ProvisionedThroughputExceededException",
    "LimitExceededException",
    "BandwidthLimitExceeded",
    "PriorRequestNotComplete",
    // More pollers than Step Functions allows: wait and poll again.
    "ActivityWorkerLimitExceeded",
]);
const TRANSIENT = new Set([
    "TimeoutError",
    "RequestTimeout",
    "RequestTimeoutException",
    "InternalFailure",
    "ServiceUnavailable",
    "InternalServerError",
]);
const NETWORK_CODES = new Set([
    "ECONNRESET",
    "ECONNREFUSED",
    "EPIPE",
    "ETIMEDOUT",
    "EHOSTUNREACH",
    "ENETUNREACH",
    "ENOTFOUND",
    "EAI_AGAIN",
    "ECONNABORTED",
    "ESOCKETTIMEDOUT",
    "UND_ERR_SOCKET",
]);

interface ErrorLike {
    name?: unknown;
    code?: unknown;
    $fault?: unknown;
    $metadata?: { httpStatusCode?: unknown; clockSkewCorrected?: unknown };
}

export function classifyAwsError(err: unknown): ErrorKind {
    const e = (err ?? {}) as ErrorLike;
    const name = typeof e.name === "string" ? e.name : "";
    if (TASK_GONE.has(name)) return "taskGone";
    // Refused for its signature's time (a container whose clock is off); the SDK, or the task
    // marker, has since corrected the clock offset from AWS's Date header: signed again, it passes.
    if (e.$metadata?.clockSkewCorrected === true) return "retry";
    const status = typeof e.$metadata?.httpStatusCode === "number" ? e.$metadata.httpStatusCode : undefined;
    if (THROTTLING.has(name) || TRANSIENT.has(name) || status === 429 || (status !== undefined && status >= 500))
        return "retry";
    if (typeof e.code === "string" && NETWORK_CODES.has(e.code)) return "retry";
    // No HTTP answer at all (connection refused or reset, DNS, socket timeout, credentials endpoint
    // hiccup): the request may not have arrived. An AbortError is a deliberate cancellation.
    if (err instanceof Error && status === undefined && e.$fault === undefined && name !== "AbortError") return "retry";
    return "fatal";
}

export interface BackoffPolicy {
    /** First retry waits up to this. */
    baseDelayMs: number;
    /** No wait is longer than this. */
    maxDelayMs: number;
    /** Attempts in all, the first included. */
    maxAttempts: number;
}

/** For SendTask*: ten attempts over at most ~40 s, so a finished result outlives a short outage. */
export const REPORT_BACKOFF: BackoffPolicy = { baseDelayMs: 200, maxDelayMs: 8000, maxAttempts: 10 };
/** For GetActivityTask after an error (the idle limit bounds how long this goes on). */
export const POLL_BACKOFF: BackoffPolicy = { baseDelayMs: 500, maxDelayMs: 20_000, maxAttempts: Infinity };

/**
 * "Full jitter" capped exponential backoff: a uniform wait in [0, min(cap, base·2^(retry-1))].
 * `retry` counts from 1 (the wait before the second attempt).
 */
export function backoffDelayMs(
    retry: number,
    policy: Pick<BackoffPolicy, "baseDelayMs" | "maxDelayMs">,
    random: () => number = Math.random,
): number {
    const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(Math.max(retry - 1, 0), 30));
    return Math.floor(random() * ceiling);
}

export type RetryOutcome<T> =
    | { ok: true; value: T; attempts: number }
    | { ok: false; error: unknown; kind: ErrorKind | "exhausted"; attempts: number };

export interface RetryOptions {
    policy: BackoffPolicy;
    /** Injectable so tests need not wait. */
    sleep: (ms: number) => Promise<void>;
    random?: () => number;
    now?: () => number;
    /** No retry starts after this time (ms since epoch); read before every wait. */
    deadline?: () => number;
    onRetry?: (err: unknown, retry: number, delayMs: number) => void;
}

/** Calls `call` until it succeeds, fails for a reason retrying cannot fix, or the policy runs out. */
export async function retryAwsCall<T>(call: () => Promise<T>, options: RetryOptions): Promise<RetryOutcome<T>> {
    const now = options.now ?? Date.now;
    for (let attempt = 1; ; attempt++) {
        try {
            return { ok: true, value: await call(), attempts: attempt };
        } catch (err) {
            const kind = classifyAwsError(err);
            if (kind !== "retry") return { ok: false, error: err, kind, attempts: attempt };
            if (attempt >= options.policy.maxAttempts)
                return { ok: false, error: err, kind: "exhausted", attempts: attempt };
            const delay = backoffDelayMs(attempt, options.policy, options.random);
            if (options.deadline && now() + delay > options.deadline())
                return { ok: false, error: err, kind: "exhausted", attempts: attempt };
            options.onRetry?.(err, attempt, delay);
            await options.sleep(delay);
        }
    }
}
