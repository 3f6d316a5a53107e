// ECS's rules for resource tags, enforced on RunTask's `tags` and on TagResource: a key of 1 to 128
// characters and a value of 0 to 256, both only Unicode letters, separators and digits and
// `_ . : / = + - @` (the `TagKey`/`TagValue` patterns of the ECS API model); the `aws:` prefix,
// in any case, reserved for AWS on keys and values; at most 50 tags per resource, AWS's own
// `aws:` tags not counted. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
// and https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TagResource.html.
//
// The error is InvalidParameterException, which both operations declare; its exact message for each
// fault is unverified (no recorded AWS answer was found), so the messages below only say which rule
// the tag broke. Lengths are counted in UTF-16 code units: whether ECS counts those or code points
// is unverified too, and code units are the stricter count (never more than the code points).
import { AwsServiceError } from "../shared/aws-json-server";

export interface ResourceTag {
    key: string;
    value?: string;
}

export const TAG_LIMITS = { keyChars: 128, valueChars: 256, tagsPerResource: 50 } as const;
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_PREFIX = /^aws:/i;

function invalid(message: string): AwsServiceError {
    return new AwsServiceError("InvalidParameterException", message);
}

/** One tag as sent, checked: the tag, or the InvalidParameterException ECS answers. */
function checkTag(tag: unknown): ResourceTag {
    const { key, value } = (tag ?? {}) as { key?: unknown; value?: unknown };
    if (typeof key !== "string" || key.length < 1 || key.length > TAG_LIMITS.keyChars)
        throw invalid(`Tag keys must be 1 to ${TAG_LIMITS.keyChars} characters long.`);
    if (!TAG_CHARACTERS.test(key))
        throw invalid(
            `The tag key ${JSON.stringify(key)} may contain only Unicode letters, digits, white space and _ . : / = + - @.`,
        );
    if (RESERVED_PREFIX.test(key)) throw invalid("Tag keys may not start with the reserved prefix aws:.");
    if (value === undefined || value === null) return { key };
    if (typeof value !== "string" || value.length > TAG_LIMITS.valueChars)
        throw invalid(`Tag values must be at most ${TAG_LIMITS.valueChars} characters long.`);
    if (!TAG_CHARACTERS.test(value))
        throw invalid(
            `The tag value ${JSON.stringify(value)} may contain only Unicode letters, digits, white space and _ . : / = + - @.`,
        );
    if (RESERVED_PREFIX.test(value)) throw invalid("Tag values may not start with the reserved prefix aws:.");
    return { key, value };
}

/** A request's list of tags, each checked; at most 50 in one request. */
export function checkTagList(tags: unknown[]): ResourceTag[] {
    if (tags.length > TAG_LIMITS.tagsPerResource)
        throw invalid(`The number of tags exceeds the limit of ${TAG_LIMITS.tagsPerResource}.`);
    return tags.map(checkTag);
}

/** A resource's tags with `added` put on (same key: the new value), refused beyond 50 user tags. */
export function mergeTags(existing: ResourceTag[], added: ResourceTag[]): ResourceTag[] {
    const merged = new Map(existing.map(t => [t.key, t.value]));
    for (const t of added) merged.set(t.key, t.value);
    const tags = [...merged].map(([key, value]) => (value === undefined ? { key } : { key, value }));
    if (tags.filter(t => !RESERVED_PREFIX.test(t.key)).length > TAG_LIMITS.tagsPerResource)
        throw invalid(`The number of tags exceeds the limit of ${TAG_LIMITS.tagsPerResource}.`);
    return tags;
}
