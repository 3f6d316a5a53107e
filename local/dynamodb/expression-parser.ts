// Parses DynamoDB's condition and update expressions into trees, resolving `#name` and `:value`
// placeholders through the request's ExpressionAttributeNames/Values and noting which it used.
// Grammar: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
// and https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.UpdateExpressions.html.
// Not checked here: DynamoDB's reserved words used as bare attribute names (the product names
// every attribute through ExpressionAttributeNames, so the check would never apply to it).
import { AttributeValue, validation } from "./attribute-values";
import { DocumentPath, FUNCTIONS, Operand, Placeholders, Reader, tokenize } from "./expression-reader";

export type { DocumentPath, Operand } from "./expression-reader";
export { Placeholders } from "./expression-reader";

export type Comparator = "=" | "<>" | "<" | "<=" | ">" | ">=";

export type Condition =
    | { kind: "compare"; op: Comparator; left: Operand; right: Operand }
    | { kind: "between"; value: Operand; low: Operand; high: Operand }
    | { kind: "in"; value: Operand; list: Operand[] }
    | { kind: "function"; name: string; args: Operand[] }
    | { kind: "not"; condition: Condition }
    | { kind: "and" | "or"; left: Condition; right: Condition };

export type UpdateAction =
    | { kind: "SET"; path: DocumentPath; value: Operand }
    | { kind: "REMOVE"; path: DocumentPath }
    | { kind: "ADD"; path: DocumentPath; value: AttributeValue };

function parseOr(r: Reader): Condition {
    let left = parseAnd(r);
    while (r.isWord("OR")) {
        r.take();
        left = { kind: "or", left, right: parseAnd(r) };
    }
    return left;
}

function parseAnd(r: Reader): Condition {
    let left = parseNot(r);
    while (r.isWord("AND")) {
        r.take();
        left = { kind: "and", left, right: parseNot(r) };
    }
    return left;
}

function parseNot(r: Reader): Condition {
    if (r.isWord("NOT")) {
        r.take();
        return { kind: "not", condition: parseNot(r) };
    }
    return parsePrimary(r);
}

function parsePrimary(r: Reader): Condition {
    if (r.isSymbol("(")) {
        r.take();
        const inner = parseOr(r);
        r.expectSymbol(")");
        return inner;
    }
    const t = r.peek();
    if (t?.type === "word" && FUNCTIONS.has(t.text) && r.peek(1)?.text === "(") {
        r.take();
        r.take();
        const args: Operand[] = [r.operand()];
        while (r.isSymbol(",")) {
            r.take();
            args.push(r.operand());
        }
        r.expectSymbol(")");
        return { kind: "function", name: t.text, args };
    }
    const value = r.operand();
    if (r.isWord("BETWEEN")) {
        r.take();
        const low = r.operand();
        r.expectWord("AND");
        return { kind: "between", value, low, high: r.operand() };
    }
    if (r.isWord("IN")) {
        r.take();
        r.expectSymbol("(");
        const list = [r.operand()];
        while (r.isSymbol(",")) {
            r.take();
            list.push(r.operand());
        }
        r.expectSymbol(")");
        return { kind: "in", value, list };
    }
    const op = r.peek();
    if (op?.type !== "symbol" || !["=", "<>", "<", "<=", ">", ">="].includes(op.text)) r.syntaxError();
    r.take();
    return { kind: "compare", op: op.text as Comparator, left: value, right: r.operand() };
}

export function parseCondition(text: string, placeholders: Placeholders): Condition {
    const r = new Reader(tokenize(text, "ConditionExpression"), placeholders, "ConditionExpression");
    if (r.done) throw validation("Invalid ConditionExpression: The expression can not be empty;");
    const condition = parseOr(r);
    if (!r.done) r.syntaxError();
    return condition;
}

/** SET's value: an operand, if_not_exists(path, value), list_append(a, b), or a + b / a - b of those. */
function setValue(r: Reader): Operand {
    const first = setOperand(r);
    if (r.isSymbol("+") || r.isSymbol("-")) {
        const op = r.take().text as "+" | "-";
        return { kind: "arithmetic", op, left: first, right: setOperand(r) };
    }
    return first;
}

function setOperand(r: Reader): Operand {
    const t = r.peek();
    if (t?.type === "word" && (t.text === "if_not_exists" || t.text === "list_append") && r.peek(1)?.text === "(") {
        r.take();
        r.take();
        if (t.text === "if_not_exists") {
            const path = r.path();
            r.expectSymbol(",");
            const fallback = setValue(r);
            r.expectSymbol(")");
            return { kind: "if_not_exists", path, fallback };
        }
        const first = setValue(r);
        r.expectSymbol(",");
        const second = setValue(r);
        r.expectSymbol(")");
        return { kind: "list_append", first, second };
    }
    if (t?.type === "value") return { kind: "value", value: r.value() };
    return { kind: "path", path: r.path() };
}

export function parseUpdate(text: string, placeholders: Placeholders): UpdateAction[] {
    const r = new Reader(tokenize(text, "UpdateExpression"), placeholders, "UpdateExpression");
    if (r.done) throw validation("Invalid UpdateExpression: The expression can not be empty;");
    const actions: UpdateAction[] = [];
    const seen = new Set<string>();
    while (!r.done) {
        const clause = r.take();
        const keyword = clause.text.toUpperCase();
        if (clause.type !== "word" || !["SET", "REMOVE", "ADD", "DELETE"].includes(keyword)) r.syntaxError();
        if (keyword === "DELETE")
            throw validation("Invalid UpdateExpression: DELETE (from a set) is not supported by the local endpoint");
        if (seen.has(keyword))
            throw validation(
                `Invalid UpdateExpression: The "${keyword}" section can only be used once in an update expression;`,
            );
        seen.add(keyword);
        for (;;) {
            const path = r.path();
            if (keyword === "SET") {
                r.expectSymbol("=");
                actions.push({ kind: "SET", path, value: setValue(r) });
            } else if (keyword === "REMOVE") actions.push({ kind: "REMOVE", path });
            else actions.push({ kind: "ADD", path, value: r.value() });
            if (!r.isSymbol(",")) break;
            r.take();
        }
    }
    return actions;
}
