import { strict as assert } from "assert";
import {
    decodePageToken,
    encodePageToken,
    pagePosition,
    pageSize,
    PagingError,
    PagingErrorCode,
} from "../../../local/shared/paging";

const LIST = { kind: "executions", key: "arn:aws:states:us-east-1:000000000000:stateMachine:sm|" };

describe("local paging tokens", () => {
    it("a token stands for its position in the list it was made for", () => {
        assert.equal(decodePageToken(encodePageToken(LIST, 42), LIST), 42);
        assert.equal(pagePosition(encodePageToken(LIST, 0), LIST), 0);
        assert.equal(pagePosition(undefined, LIST), undefined);
        assert.equal(pagePosition(null, LIST), undefined);
    });

    it("rejects a token of another list, of the same list under another query, or of nothing", () => {
        const other = encodePageToken({ kind: "history", key: LIST.key }, 1);
        const otherQuery = encodePageToken({ kind: LIST.kind, key: `${LIST.key}RUNNING` }, 1);
        for (const token of [other, otherQuery, "not a token", "", 7, "x".repeat(1025)]) {
            assert.throws(
                () => decodePageToken(token, LIST),
                (err: unknown) =>
                    err instanceof PagingError &&
                    err.code === "InvalidToken" &&
                    err.message === `Invalid Token: '${String(token)}'`,
            );
        }
    });

    it("page sizes are 1-1000, 0 or none meaning 100", () => {
        assert.equal(pageSize(undefined), 100);
        assert.equal(pageSize(0), 100);
        assert.equal(pageSize(1000), 1000);
        for (const bad of [1001, -1, 1.5, "10"]) {
            assert.throws(
                () => pageSize(bad),
                (err: unknown) =>
                    err instanceof PagingError &&
                    err.code === "ValidationException" &&
                    err.message.startsWith(`1 validation error detected: Value '${bad}' at 'maxResults'`),
            );
        }
    });

    it("throws what the caller's error factory makes", () => {
        const seen: PagingErrorCode[] = [];
        const fail = (code: PagingErrorCode, message: string) => {
            seen.push(code);
            return new RangeError(message);
        };
        assert.throws(() => decodePageToken("nope", LIST, fail), RangeError);
        assert.throws(() => pageSize(5000, fail), RangeError);
        assert.deepEqual(seen, ["InvalidToken", "ValidationException"]);
    });
});
