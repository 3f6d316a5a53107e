// Names AWS constrains, checked at program time so `pulumi up` fails before it creates anything.
import * as crypto from "crypto";

// Whitespace, brackets, wildcards, quotes and the other characters AWS forbids in activity names.
// eslint-disable-next-line no-control-regex -- control characters are among the forbidden ones
const FORBIDDEN_IN_ACTIVITY_NAME = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function validateActivityName(name: string): void {
    if (name.length < 1 || name.length > 80)
        throw new Error(`activity name "${name}" must be 1 to 80 characters (it has ${name.length})`);
    const bad = FORBIDDEN_IN_ACTIVITY_NAME.exec(name);
    if (bad)
        throw new Error(
            `activity name "${name}" contains ${JSON.stringify(bad[0])}, which AWS does not allow (no whitespace, control characters or any of < > { } [ ] ? * " # % \\ ^ | ~ \` $ & , ; : /)`,
        );
}

/**
 * A name that differs per project, stack and component, fitted to `maxLength` characters of
 * letters, digits, `-` and `_`; a hash keeps shortened names distinct.
 */
export function scopedName(parts: string[], maxLength: number): string {
    const full = parts.join("-").replace(/[^A-Za-z0-9_-]/g, "-");
    if (full.length <= maxLength) return full;
    const hash = crypto.createHash("sha256").update(full).digest("hex").slice(0, 8);
    return `${full.slice(0, maxLength - hash.length - 1)}-${hash}`;
}
