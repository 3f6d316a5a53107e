// A deliberate copy of functions/tag-value.ts (the worker never imports functions/; a test checks
// that the two agree): an ECS tag value may hold only Unicode letters, digits, white space and
// `_ . : / = + - @`, up to 256 characters (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html).
// Each refused character becomes `_` + its code point in hex + `_`, a literal `_` becomes `__`, the
// first letter of a value starting `aws:` (reserved) is escaped too, and the value is cut to 256
// characters at an escape's boundary.

const KEPT = /^[\p{L}\p{Z}\p{N}.:/=+\-@]$/u;
export const TAG_VALUE_MAX_CHARS = 256;

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
