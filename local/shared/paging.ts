// One paging scheme for every local endpoint's List* operations. A nextToken is opaque to the
// client (https://docs.aws.amazon.com/step-functions/latest/apireference/API_ListExecutions.html):
// here it is base64url JSON of the list's kind, the query it pages (its key) and the position where
// the next page starts, so a token handed back to another list, or to the same list with other
// filters, is rejected instead of paging the wrong thing.
//
// This module knows no service's error class: it throws what the caller's `fail` makes of a code
// and AWS's message (by default a PagingError carrying the code).

export type PagingErrorCode = "InvalidToken" | "ValidationException";

/** Makes the error thrown for a bad token or page size; the caller maps it to its service's error. */
export type PagingErrorFactory = (code: PagingErrorCode, message: string) => Error;

export class PagingError extends Error {
    constructor(
        readonly code: PagingErrorCode,
        message: string,
    ) {
        super(message);
        this.name = code;
    }
}

const pagingError: PagingErrorFactory = (code, message) => new PagingError(code, message);

/** Which list a token belongs to: `kind` names the list, `key` the query (filters, order) it pages. */
export interface PagedList {
    kind: string;
    key: string;
}

export function encodePageToken(list: PagedList, position: number): string {
    return Buffer.from(JSON.stringify({ k: list.kind, q: list.key, p: position })).toString("base64url");
}

/** The position a token of `list` stands for; anything else fails as InvalidToken. */
export function decodePageToken(token: unknown, list: PagedList, fail: PagingErrorFactory = pagingError): number {
    if (typeof token !== "string" || token.length === 0 || token.length > 1024)
        throw fail("InvalidToken", `Invalid Token: '${String(token)}'`);
    try {
        const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
        if (t.k === list.kind && t.q === list.key && Number.isInteger(t.p) && t.p >= 0) return t.p;
    } catch {
        // fall through
    }
    throw fail("InvalidToken", `Invalid Token: '${token}'`);
}

/** The position a request's nextToken stands for, or undefined when it has none (the first page). */
export function pagePosition(
    nextToken: unknown,
    list: PagedList,
    fail: PagingErrorFactory = pagingError,
): number | undefined {
    return nextToken === undefined || nextToken === null ? undefined : decodePageToken(nextToken, list, fail);
}

/** maxResults as a page size: 1-1000, with 0 or none meaning 100. */
export function pageSize(maxResults: unknown, fail: PagingErrorFactory = pagingError): number {
    if (maxResults === undefined || maxResults === null || maxResults === 0) return 100;
    if (!Number.isInteger(maxResults) || (maxResults as number) < 0 || (maxResults as number) > 1000) {
        throw fail(
            "ValidationException",
            `1 validation error detected: Value '${String(maxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000 and greater than or equal to 0`,
        );
    }
    return maxResults as number;
}
