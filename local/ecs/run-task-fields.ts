// The checks of RunTask's self-contained members (count, startedBy, tags) and the error shapes
// every RunTask check answers with. The members' constraints:
// https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html.
import { AwsServiceError } from "../shared/aws-json-server";

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
    const list = requireArray<{ key?: unknown; value?: unknown }>(tags, "tags");
    if (list.length > 50) throw invalid("The number of tags exceeds the limit of 50.");
    return list.map(tag => {
        if (typeof tag?.key !== "string" || tag.key.length < 1 || tag.key.length > 128)
            throw invalid("Tag keys must be 1 to 128 characters long.");
        if (tag.key.toLowerCase().startsWith("aws:"))
            throw invalid("Tag keys may not start with the reserved prefix aws:.");
        if (tag.value !== undefined && (typeof tag.value !== "string" || tag.value.length > 256))
            throw invalid("Tag values must be at most 256 characters long.");
        return { key: tag.key, value: tag.value as string | undefined };
    });
}
