// Evaluates parsed expressions against an item: a condition to true or false, an update to the
// item it makes. Reads and writes of document paths (`a.b[0]`) are here too.
// https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.OperatorsAndFunctions.html
import {
    AttributeValue,
    compareValues,
    isAttributeType,
    Item,
    sizeOf,
    typeOf,
    validation,
    valuesEqual,
} from "./attribute-values";
import type { Condition, DocumentPath, Operand, UpdateAction } from "./expression-parser";

/** The value at a document path, or undefined when the item has none there. */
export function valueAt(item: Item, path: DocumentPath): AttributeValue | undefined {
    let current: AttributeValue | undefined = { M: item };
    for (const step of path) {
        const at: AttributeValue | undefined = current;
        if (at === undefined) return undefined;
        const { L, M } = at as { L?: AttributeValue[]; M?: Item };
        current = typeof step === "number" ? L?.[step] : M && Object.hasOwn(M, step) ? M[step] : undefined;
    }
    return current;
}

function operandValue(item: Item, operand: Operand, what: string): AttributeValue | undefined {
    switch (operand.kind) {
        case "path":
            return valueAt(item, operand.path);
        case "value":
            return operand.value;
        case "size": {
            const value = valueAt(item, operand.path);
            const size = value === undefined ? undefined : sizeOf(value);
            return size === undefined ? undefined : { N: String(size) };
        }
        default:
            throw validation(`Invalid ${what}: the function ${operand.kind} is not allowed in a condition`);
    }
}

function checkArity(name: string, args: Operand[], count: number): void {
    if (args.length !== count)
        throw validation(
            `Invalid ConditionExpression: Incorrect number of operands for operator or function; operator or function: ${name}, number of operands: ${args.length}`,
        );
}

function pathArgument(name: string, operand: Operand): DocumentPath {
    if (operand.kind !== "path")
        throw validation(
            `Invalid ConditionExpression: Operator or function requires a document path; operator or function: ${name}`,
        );
    return operand.path;
}

function evaluateFunction(item: Item, name: string, args: Operand[]): boolean {
    if (name === "attribute_exists" || name === "attribute_not_exists") {
        checkArity(name, args, 1);
        const exists = valueAt(item, pathArgument(name, args[0])) !== undefined;
        return name === "attribute_exists" ? exists : !exists;
    }
    checkArity(name, args, 2);
    const value = valueAt(item, pathArgument(name, args[0]));
    const other = operandValue(item, args[1], "ConditionExpression");
    if (name === "attribute_type") {
        const wanted = other && "S" in other ? other.S : undefined;
        if (!isAttributeType(wanted))
            throw validation(`Invalid ConditionExpression: Invalid attribute type name found; type: ${wanted}`);
        return value !== undefined && typeOf(value) === wanted;
    }
    if (value === undefined || other === undefined) return false;
    if (name === "begins_with") {
        if ("S" in value && "S" in other) return value.S.startsWith(other.S);
        if ("B" in value && "B" in other)
            return Buffer.from(value.B, "base64")
                .subarray(0, Buffer.from(other.B, "base64").length)
                .equals(Buffer.from(other.B, "base64"));
        return false;
    }
    // contains
    if ("S" in value) return "S" in other && value.S.includes(other.S);
    if ("SS" in value) return "S" in other && value.SS.includes(other.S);
    if ("NS" in value) return "N" in other && value.NS.some(n => Number(n) === Number(other.N));
    if ("BS" in value) return "B" in other && value.BS.includes(other.B);
    if ("L" in value) return value.L.some(e => valuesEqual(e, other));
    return false;
}

function compare(op: string, left: AttributeValue | undefined, right: AttributeValue | undefined): boolean {
    if (left === undefined || right === undefined) return op === "<>";
    if (op === "=") return valuesEqual(left, right);
    if (op === "<>") return !valuesEqual(left, right);
    const order = compareValues(left, right);
    if (order === undefined) return false;
    return op === "<" ? order < 0 : op === "<=" ? order <= 0 : op === ">" ? order > 0 : order >= 0;
}

/** Whether `item` (empty when there is none) satisfies the condition. */
export function evaluateCondition(item: Item, condition: Condition): boolean {
    const value = (operand: Operand) => operandValue(item, operand, "ConditionExpression");
    switch (condition.kind) {
        case "and":
            return evaluateCondition(item, condition.left) && evaluateCondition(item, condition.right);
        case "or":
            return evaluateCondition(item, condition.left) || evaluateCondition(item, condition.right);
        case "not":
            return !evaluateCondition(item, condition.condition);
        case "function":
            return evaluateFunction(item, condition.name, condition.args);
        case "compare":
            return compare(condition.op, value(condition.left), value(condition.right));
        case "in": {
            const v = value(condition.value);
            return v !== undefined && condition.list.some(o => compare("=", v, value(o)));
        }
        case "between": {
            const [v, low, high] = [value(condition.value), value(condition.low), value(condition.high)];
            if (low && high && (compareValues(low, high) ?? 0) > 0)
                throw validation(
                    "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than or equal to lower bound",
                );
            return compare(">=", v, low) && compare("<=", v, high);
        }
    }
}

function updateValue(item: Item, operand: Operand): AttributeValue {
    switch (operand.kind) {
        case "value":
            return operand.value;
        case "path": {
            const value = valueAt(item, operand.path);
            if (value === undefined)
                throw validation("The provided expression refers to an attribute that does not exist in the item");
            return value;
        }
        case "if_not_exists":
            return valueAt(item, operand.path) ?? updateValue(item, operand.fallback);
        case "list_append": {
            const [a, b] = [updateValue(item, operand.first), updateValue(item, operand.second)];
            if (!("L" in a) || !("L" in b))
                throw validation("An operand in the update expression has an incorrect data type");
            return { L: [...a.L, ...b.L] };
        }
        case "arithmetic": {
            const [a, b] = [updateValue(item, operand.left), updateValue(item, operand.right)];
            if (!("N" in a) || !("N" in b))
                throw validation("An operand in the update expression has an incorrect data type");
            return { N: String(operand.op === "+" ? Number(a.N) + Number(b.N) : Number(a.N) - Number(b.N)) };
        }
        default:
            throw validation(`Invalid UpdateExpression: size() is not allowed in an update`);
    }
}

function added(current: AttributeValue | undefined, value: AttributeValue): AttributeValue {
    if ("N" in value) {
        if (current !== undefined && !("N" in current))
            throw validation("An operand in the update expression has an incorrect data type");
        return { N: String(Number(current && "N" in current ? current.N : 0) + Number(value.N)) };
    }
    for (const type of ["SS", "NS", "BS"] as const) {
        if (!(type in value)) continue;
        if (current !== undefined && !(type in current))
            throw validation("An operand in the update expression has an incorrect data type");
        const members = [...((current as any)?.[type] ?? []), ...(value as any)[type]];
        return { [type]: [...new Set(members)] } as AttributeValue;
    }
    throw validation("Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD");
}

/** Writes `value` at `path` (its parent must exist); undefined removes what is there. */
function writeAt(item: Item, path: DocumentPath, value: AttributeValue | undefined): void {
    const parent = path.length === 1 ? { M: item } : valueAt(item, path.slice(0, -1));
    const last = path[path.length - 1];
    const invalidPath = () => validation("The document path provided in the update expression is invalid for update");
    if (typeof last === "string") {
        if (!parent || !("M" in parent)) throw invalidPath();
        if (value === undefined) delete parent.M[last];
        else parent.M[last] = value;
    } else {
        if (!parent || !("L" in parent)) throw invalidPath();
        if (value === undefined) parent.L.splice(last, 1);
        else if (last >= parent.L.length) parent.L.push(value);
        else parent.L[last] = value;
    }
}

function overlap(a: DocumentPath, b: DocumentPath): boolean {
    const n = Math.min(a.length, b.length);
    return a.slice(0, n).every((step, i) => step === b[i]);
}

/** The item after the update's actions, each reading the item as it was before the update. */
export function applyUpdate(item: Item, actions: UpdateAction[]): Item {
    for (let i = 0; i < actions.length; i++)
        for (let j = i + 1; j < actions.length; j++)
            if (overlap(actions[i].path, actions[j].path))
                throw validation(
                    `Invalid UpdateExpression: Two document paths overlap with each other; must remove or rewrite one of these paths; path one: [${actions[i].path.join(", ")}], path two: [${actions[j].path.join(", ")}]`,
                );
    const before: Item = structuredClone(item);
    const after: Item = structuredClone(item);
    for (const action of actions) {
        if (action.kind === "SET") writeAt(after, action.path, updateValue(before, action.value));
        else if (action.kind === "REMOVE") writeAt(after, action.path, undefined);
        else writeAt(after, action.path, added(valueAt(before, action.path), action.value));
    }
    return after;
}
