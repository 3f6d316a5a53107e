// ECS tag values may hold only Unicode letters, digits, white space and `_ . : / = + - @`, up to
// 256 characters (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html), while a
// Step Functions execution name may hold `!`, `'`, `(`, `)` and more. So a value put into a tag is
// escaped, reversibly: each refused character becomes `_` + its code point in hex + `_`, and a
// literal `_` becomes `__` (and the first letter of a value starting `aws:`, reserved, is escaped
// too); then it is cut to 256 characters at an escape's boundary. Names that differ only in refused
// characters keep different tags (unless the cut hides the difference: the tag is for people; the
// healer reads the execution from the task's environment override).
// worker-image/lib/tag-value.ts is a deliberate copy (the worker never imports functions/); a test
// checks that they agree.

/** The characters an ECS tag value may hold, `_` aside (it is the escape character). */
const KEPT = /^[\p{L}\p{Z}\p{N}.:/=+\-@]$/u;
export const TAG_VALUE_MAX_CHARS = 256;

/** One character of the text as it goes into the tag. */
function escapeCharacter(character: string): string {
    if (character === "_") return "__";
    if (KEPT.test(character)) return character;
    return `_${character.codePointAt(0)!.toString(16)}_`;
}

/** `text` as a valid ECS tag value: refused characters escaped, at most 256 characters (UTF-16 units). */
export function encodeTagValue(text: string, maxChars = TAG_VALUE_MAX_CHARS): string {
    let value = "";
    for (const character of text) {
        // `aws:` in any case is reserved at the start of a value: its first letter is escaped too.
        const escaped =
            value === "" && /^aws:/i.test(text)
                ? `_${character.codePointAt(0)!.toString(16)}_`
                : escapeCharacter(character);
        if (value.length + escaped.length > maxChars) break;
        value += escaped;
    }
    return value;
}

/** The text an encoded tag value came from (the part the cut kept). */
export function decodeTagValue(value: string): string {
    return value.replace(/__|_([0-9a-f]{1,6})_/g, (match, hex: string | undefined) =>
        hex === undefined ? "_" : String.fromCodePoint(parseInt(hex, 16)),
    );
}
