// DynamoDB's typed values (`{"S": "x"}`, `{"N": "1"}`, …) as the JSON wire carries them: checking
// one, comparing two the way conditions do, and the size of one for `size()`.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html and
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html.
import { AwsServiceError } from "../shared/aws-json-server";

export type AttributeValue =
    | { S: string }
    | { N: string }
    | { B: string }
    | { BOOL: boolean }
    | { NULL: true }
    | { SS: string[] }
    | { NS: string[] }
    | { BS: string[] }
    | { L: AttributeValue[] }
    | { M: Record<string, AttributeValue> };

export type Item = Record<string, AttributeValue>;

const TYPES = ["S", "N", "B", "BOOL", "NULL", "SS", "NS", "BS", "L", "M"] as const;
export type AttributeType = (typeof TYPES)[number];

export function validation(message: string): AwsServiceError {
    return new AwsServiceError("ValidationException", message);
}

export function typeOf(value: AttributeValue): AttributeType {
    return Object.keys(value)[0] as AttributeType;
}

export function isAttributeType(text: unknown): text is AttributeType {
    return typeof text === "string" && (TYPES as readonly string[]).includes(text);
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A value as sent, checked as DynamoDB checks it (one type, well-formed numbers and sets). */
export function checkValue(value: unknown, where: string): AttributeValue {
    if (value === null || typeof value !== "object" || Array.isArray(value))
        throw validation(
            `Supplied AttributeValue is empty, must contain exactly one of the supported datatypes (${where})`,
        );
    const keys = Object.keys(value);
    if (keys.length !== 1 || !isAttributeType(keys[0]))
        throw validation(
            `Supplied AttributeValue has more than one datatypes set, must contain exactly one of the supported datatypes (${where})`,
        );
    const type = keys[0];
    const v = (value as Record<string, unknown>)[type];
    const fail = () => validation(`One or more parameter values were invalid: bad ${type} value at ${where}`);
    switch (type) {
        case "S":
        case "B":
            if (typeof v !== "string") throw fail();
            break;
        case "N":
            if (typeof v !== "string" || !NUMBER.test(v)) throw fail();
            break;
        case "BOOL":
            if (typeof v !== "boolean") throw fail();
            break;
        case "NULL":
            if (v !== true) throw fail();
            break;
        case "SS":
        case "NS":
        case "BS":
            if (!Array.isArray(v) || v.length === 0 || v.some(e => typeof e !== "string")) throw fail();
            if (type === "NS" && v.some(e => !NUMBER.test(e))) throw fail();
            if (new Set(type === "NS" ? v.map(Number) : v).size !== v.length)
                throw validation(
                    `One or more parameter values were invalid: Input collection ${where} contains duplicates.`,
                );
            break;
        case "L":
            if (!Array.isArray(v)) throw fail();
            v.forEach((e, i) => checkValue(e, `${where}[${i}]`));
            break;
        case "M":
            if (v === null || typeof v !== "object" || Array.isArray(v)) throw fail();
            for (const [k, e] of Object.entries(v)) checkValue(e, `${where}.${k}`);
            break;
    }
    return value as AttributeValue;
}

function sameMembers(a: string[], b: string[], key: (s: string) => string | number): boolean {
    const left = new Set(a.map(key));
    return a.length === b.length && b.every(e => left.has(key(e)));
}

/** `=` as conditions mean it: same type and value (numbers by value, sets in any order). */
export function valuesEqual(a: AttributeValue, b: AttributeValue): boolean {
    const type = typeOf(a);
    if (type !== typeOf(b)) return false;
    const x = (a as any)[type];
    const y = (b as any)[type];
    switch (type) {
        case "N":
            return Number(x) === Number(y);
        case "SS":
        case "BS":
            return sameMembers(x, y, s => s);
        case "NS":
            return sameMembers(x, y, Number);
        case "L":
            return x.length === y.length && x.every((e: AttributeValue, i: number) => valuesEqual(e, y[i]));
        case "M": {
            const keys = Object.keys(x);
            return keys.length === Object.keys(y).length && keys.every(k => k in y && valuesEqual(x[k], y[k]));
        }
        default:
            return x === y;
    }
}

/** `<`, `<=`, `>`, `>=`: -1, 0 or 1 for two numbers, two strings (by UTF-8 bytes) or two binaries; undefined otherwise. */
export function compareValues(a: AttributeValue, b: AttributeValue): number | undefined {
    const type = typeOf(a);
    if (type !== typeOf(b)) return undefined;
    const x = (a as any)[type];
    const y = (b as any)[type];
    if (type === "N") return Math.sign(Number(x) - Number(y));
    if (type === "S") return Math.sign(Buffer.compare(Buffer.from(x, "utf8"), Buffer.from(y, "utf8")));
    if (type === "B") return Math.sign(Buffer.compare(Buffer.from(x, "base64"), Buffer.from(y, "base64")));
    return undefined;
}

/** `size()`: characters of a string, bytes of a binary, members of a set, list or map. */
export function sizeOf(value: AttributeValue): number | undefined {
    const type = typeOf(value);
    const v = (value as any)[type];
    if (type === "S") return [...v].length;
    if (type === "B") return Buffer.from(v, "base64").length;
    if (type === "SS" || type === "NS" || type === "BS" || type === "L") return v.length;
    if (type === "M") return Object.keys(v).length;
    return undefined;
}

/** An item's approximate size in bytes (names and values), for the 400 KB limit. */
export function itemBytes(item: Item): number {
    return Buffer.byteLength(JSON.stringify(item));
}
