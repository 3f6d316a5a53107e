// The checks of RunTask's self-contained members (count, startedBy, tags) and the error shapes
// every RunTask check answers with. The members' constraints:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html.
import { AwsServiceError } from "../shared/aws-json-server";
import { checkTagList } from "./tag-rules";

export function invalid(message: string): AwsServiceError {
    return new AwsServiceError("InvalidParameterException", message);
}

/** A list member: absent or null is empty; anything but a list is a SerializationException. */
export function requireArray<T>(value: unknown, field: string): T[] {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new AwsServiceError("SerializationException", `${field} must be a list`);
    return value as T[];
}

export function checkCount(count: unknown): number {
    if (count === undefined || count === null) return 1;
    if (typeof count !== "number" || !Number.isInteger(count) || count < 1 || count > 10) {
        throw invalid("count must be between 1 and 10.");
    }
    return count;
}

/** startedBy: up to 128 letters, digits, hyphens, slashes and underscores (so an ARN does not fit). */
export function checkStartedBy(startedBy: unknown): string | undefined {
    if (startedBy === undefined || startedBy === null) return undefined;
    if (typeof startedBy !== "string" || !/^[A-Za-z0-9_\-/]{1,128}$/.test(startedBy)) {
        throw invalid(
            "startedBy may contain up to 128 letters (uppercase and lowercase), numbers, hyphens (-), forward slashes (/), and underscores (_).",
        );
    }
    return startedBy;
}

export function checkTags(tags: unknown): { key: string; value?: string }[] {
    return checkTagList(requireArray<unknown>(tags, "tags"));
}
