// The one part of request signing the local endpoints check: the signature's time. AWS refuses a
// request signed more than five minutes away from its own clock ("a request must reach AWS within
// five minutes of the time stamp in the request",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html), so a client with a
// skewed clock meets the same error here as in AWS, and the SDK corrects its clock offset from the
// answer's Date header. Signatures themselves are not verified (the local credentials are dummies).
import { IncomingHttpHeaders } from "http";

export const MAX_SIGNATURE_SKEW_MS = 5 * 60_000;

/** `20261201T101500Z`, SigV4's basic ISO 8601 form (X-Amz-Date). */
export function amzDate(ms: number): string {
    return new Date(ms)
        .toISOString()
        .replace(/[-:]/g, "")
        .replace(/\.\d{3}/, "");
}

function parseAmzDate(value: string): number | undefined {
    const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
    if (!m) return undefined;
    const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
    return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** When the request was signed: its X-Amz-Date header, else its Date header; undefined when unsigned or unreadable. */
export function signedAt(headers: IncomingHttpHeaders): number | undefined {
    const amz = headers["x-amz-date"];
    if (typeof amz === "string") return parseAmzDate(amz);
    if (typeof headers.authorization !== "string" || !headers.authorization.startsWith("AWS4-")) return undefined;
    const date = typeof headers.date === "string" ? Date.parse(headers.date) : NaN;
    return Number.isNaN(date) ? undefined : date;
}

/**
 * AWS's message for a signature more than five minutes off `now`, or undefined. AWS answers it as
 * HTTP 403 `InvalidSignatureException`.
 */
export function signatureTimeProblem(headers: IncomingHttpHeaders, now: number): string | undefined {
    const signed = signedAt(headers);
    if (signed === undefined) return undefined;
    const [earliest, latest] = [now - MAX_SIGNATURE_SKEW_MS, now + MAX_SIGNATURE_SKEW_MS];
    if (signed < earliest)
        return `Signature expired: ${amzDate(signed)} is now earlier than ${amzDate(earliest)} (${amzDate(now)} - 5 min.)`;
    if (signed > latest)
        return `Signature not yet current: ${amzDate(signed)} is still later than ${amzDate(latest)} (${amzDate(now)} + 5 min.)`;
    return undefined;
}
