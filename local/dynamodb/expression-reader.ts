// Reads DynamoDB expressions: the tokens, the request's `#name` and `:value` placeholders (and
// which of them were used), and a reader over one expression's tokens that the grammar in
// expression-parser.ts walks.
import { AttributeValue, validation } from "./attribute-values";

/** A document path with its placeholders resolved: attribute names and list indexes. */
export type DocumentPath = Array<string | number>;

export type Operand =
    | { kind: "path"; path: DocumentPath }
    | { kind: "value"; value: AttributeValue }
    | { kind: "size"; path: DocumentPath }
    | { kind: "if_not_exists"; path: DocumentPath; fallback: Operand }
    | { kind: "list_append"; first: Operand; second: Operand }
    | { kind: "arithmetic"; op: "+" | "-"; left: Operand; right: Operand };

/** The request's placeholders, and which of them the expressions used. */
export class Placeholders {
    readonly usedNames = new Set<string>();
    readonly usedValues = new Set<string>();
    constructor(
        readonly names: Record<string, string> = {},
        readonly values: Record<string, AttributeValue> = {},
    ) {}

    /** ExpressionAttributeNames/Values entries no expression used: DynamoDB refuses the request. */
    checkAllUsed(): void {
        const unusedNames = Object.keys(this.names).filter(n => !this.usedNames.has(n));
        if (unusedNames.length > 0)
            throw validation(
                `Value provided in ExpressionAttributeNames unused in expressions: keys: {${unusedNames.join(", ")}}`,
            );
        const unusedValues = Object.keys(this.values).filter(v => !this.usedValues.has(v));
        if (unusedValues.length > 0)
            throw validation(
                `Value provided in ExpressionAttributeValues unused in expressions: keys: {${unusedValues.join(", ")}}`,
            );
    }
}

const TOKEN = /\s*(?:(#[A-Za-z0-9_]+)|(:[A-Za-z0-9_]+)|([A-Za-z_][A-Za-z0-9_]*)|(\d+)|(<>|<=|>=|[=<>()[\],.+-]))/y;

type Token = { type: "name" | "value" | "word" | "number" | "symbol"; text: string };

export function tokenize(text: string, what: string): Token[] {
    const tokens: Token[] = [];
    TOKEN.lastIndex = 0;
    while (TOKEN.lastIndex < text.length) {
        if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
        const at = TOKEN.lastIndex;
        const m = TOKEN.exec(text);
        if (!m)
            throw validation(
                `Invalid ${what}: Syntax error; token: "${text.slice(at).trim()[0]}", near: "${text.slice(Math.max(0, at - 5), at + 5).trim()}"`,
            );
        const type = m[1] ? "name" : m[2] ? "value" : m[3] ? "word" : m[4] ? "number" : "symbol";
        tokens.push({ type, text: m[1] ?? m[2] ?? m[3] ?? m[4] ?? m[5] });
    }
    return tokens;
}

export const FUNCTIONS = new Set([
    "attribute_exists",
    "attribute_not_exists",
    "attribute_type",
    "begins_with",
    "contains",
]);

/** A recursive-descent reader over one expression's tokens. */
export class Reader {
    private at = 0;
    constructor(
        private readonly tokens: Token[],
        private readonly placeholders: Placeholders,
        private readonly what: string,
    ) {}

    get done(): boolean {
        return this.at >= this.tokens.length;
    }
    peek(offset = 0): Token | undefined {
        return this.tokens[this.at + offset];
    }
    isWord(word: string, offset = 0): boolean {
        const t = this.peek(offset);
        return t?.type === "word" && t.text.toUpperCase() === word;
    }
    isSymbol(symbol: string): boolean {
        const t = this.peek();
        return t?.type === "symbol" && t.text === symbol;
    }
    syntaxError(): never {
        const t = this.peek();
        const near = this.tokens
            .slice(Math.max(0, this.at - 1), this.at + 1)
            .map(x => x.text)
            .join(" ");
        throw validation(`Invalid ${this.what}: Syntax error; token: "${t?.text ?? "<EOF>"}", near: "${near}"`);
    }
    take(): Token {
        const t = this.tokens[this.at++];
        if (!t) this.syntaxError();
        return t;
    }
    expectSymbol(symbol: string): void {
        if (!this.isSymbol(symbol)) this.syntaxError();
        this.at++;
    }
    expectWord(word: string): void {
        if (!this.isWord(word)) this.syntaxError();
        this.at++;
    }

    /** A document path: `a`, `#a`, `a.b`, `a[0]`, … */
    path(): DocumentPath {
        const path: DocumentPath = [this.pathElement()];
        for (;;) {
            if (this.isSymbol(".")) {
                this.at++;
                path.push(this.pathElement());
            } else if (this.isSymbol("[")) {
                this.at++;
                const index = this.take();
                if (index.type !== "number") this.syntaxError();
                this.expectSymbol("]");
                path.push(Number(index.text));
            } else return path;
        }
    }

    private pathElement(): string {
        const t = this.take();
        if (t.type === "word") return t.text;
        if (t.type !== "name") this.syntaxError();
        const name = this.placeholders.names[t.text];
        if (name === undefined)
            throw validation(
                `Invalid ${this.what}: An expression attribute name used in the document path is not defined; attribute name: ${t.text}`,
            );
        this.placeholders.usedNames.add(t.text);
        return name;
    }

    value(): AttributeValue {
        const t = this.take();
        if (t.type !== "value") this.syntaxError();
        const value = this.placeholders.values[t.text];
        if (value === undefined)
            throw validation(
                `Invalid ${this.what}: An expression attribute value used in expression is not defined; attribute value: ${t.text}`,
            );
        this.placeholders.usedValues.add(t.text);
        return value;
    }

    /** A condition's operand: a path, a value or size(path). */
    operand(): Operand {
        const t = this.peek();
        if (t?.type === "value") return { kind: "value", value: this.value() };
        if (t?.type === "word" && t.text === "size" && this.peek(1)?.text === "(") {
            this.at += 2;
            const path = this.path();
            this.expectSymbol(")");
            return { kind: "size", path };
        }
        return { kind: "path", path: this.path() };
    }
}
