// How the trigger reads a failed ECS call, after the SDK's own retries: ECS throttled it, ECS was
// unavailable (a 5xx, or no answer at all), or ECS refused it for a reason retrying cannot fix
// (access denied, a bad parameter, a missing cluster). Plain arrays, not Sets: the closure
// serializer copies this module into the Lambda.
export type EcsCallFailure = "throttled" | "unavailable" | "refused";

/** The names ECS and the SDK give a call over the rate (ECS: HTTP 400 ThrottlingException). */
const THROTTLING_ERRORS = [
    "ThrottlingException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "Throttling",
    "ThrottledException",
];
/** ECS's server error (HTTP 500), the generic AWS ones, and a call that got no answer in time. */
const UNAVAILABLE_ERRORS = [
    "ServerException",
    "InternalFailure",
    "ServiceUnavailable",
    "TimeoutError",
    "RequestTimeout",
    "RequestTimeoutException",
];
const NETWORK_CODES = ["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EAI_AGAIN"];

interface ErrorLike {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: number };
}

/** ECS's rate limits (RunTask: 20 calls/s, 100 task launches refilled at 20/s) as the SDK reports them. */
export function isThrottling(error: unknown): boolean {
    const e = error as ErrorLike | null;
    return THROTTLING_ERRORS.includes(String(e?.name ?? "")) || e?.$metadata?.httpStatusCode === 429;
}

export function ecsCallFailure(error: unknown): EcsCallFailure {
    if (isThrottling(error)) return "throttled";
    const e = (error ?? {}) as ErrorLike;
    const status = e.$metadata?.httpStatusCode;
    if (status !== undefined && status >= 500) return "unavailable";
    if (UNAVAILABLE_ERRORS.includes(String(e.name ?? "")) || NETWORK_CODES.includes(String(e.code ?? "")))
        return "unavailable";
    // The SDK marks every error of a call; one without an HTTP status never got an answer.
    if (e.$metadata && status === undefined) return "unavailable";
    return "refused";
}

export function errorName(error: unknown): string {
    const name = (error as ErrorLike | null)?.name;
    return typeof name === "string" && name.length > 0 ? name : "Error";
}

export function errorMessage(error: unknown): string {
    const message = (error as ErrorLike | null)?.message;
    return typeof message === "string" ? message : String(error);
}

/** The block retries these: `Trigger.Throttled` and `Trigger.EcsUnavailable`; a refusal has none. */
export function retriedNameFor(kind: EcsCallFailure): string | undefined {
    if (kind === "throttled") return "Trigger.Throttled";
    if (kind === "unavailable") return "Trigger.EcsUnavailable";
    return undefined;
}
