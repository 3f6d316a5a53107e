// The DynamoDB operations the local endpoint answers, on the AWS JSON 1.0 wire: GetItem, PutItem,
// UpdateItem and DeleteItem, with ConditionExpression, ExpressionAttributeNames/Values, ReturnValues
// and ReturnValuesOnConditionCheckFailure as DynamoDB answers them. A failed condition is
// ConditionalCheckFailedException ("The conditional request failed"), carrying the item when asked.
// https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_UpdateItem.html
import { AwsServiceError, OperationHandler } from "../shared/aws-json-server";
import { AttributeValue, checkValue, Item, itemBytes, validation } from "./attribute-values";
import { applyUpdate, evaluateCondition } from "./expression-evaluation";
import { Condition, parseCondition, parseUpdate, Placeholders, UpdateAction } from "./expression-parser";
import { DeclaredTable, TableStore } from "./tables";

const MAX_ITEM_BYTES = 400 * 1024;

interface WriteRequest {
    TableName?: unknown;
    Key?: unknown;
    Item?: unknown;
    ConditionExpression?: unknown;
    UpdateExpression?: unknown;
    ExpressionAttributeNames?: unknown;
    ExpressionAttributeValues?: unknown;
    ReturnValues?: unknown;
    ReturnValuesOnConditionCheckFailure?: unknown;
}

function placeholdersOf(request: WriteRequest): Placeholders {
    const names = request.ExpressionAttributeNames as Record<string, string> | undefined;
    const values = request.ExpressionAttributeValues as Record<string, unknown> | undefined;
    if (names !== undefined && Object.keys(names).length === 0)
        throw validation("ExpressionAttributeNames must not be empty");
    if (values !== undefined && Object.keys(values).length === 0)
        throw validation("ExpressionAttributeValues must not be empty");
    const checked: Record<string, AttributeValue> = {};
    for (const [k, v] of Object.entries(values ?? {})) checked[k] = checkValue(v, `ExpressionAttributeValues.${k}`);
    return new Placeholders(names ?? {}, checked);
}

function conditionOf(request: WriteRequest, placeholders: Placeholders): Condition | undefined {
    if (request.ConditionExpression === undefined) return undefined;
    if (typeof request.ConditionExpression !== "string") throw validation("ConditionExpression must be a string");
    return parseCondition(request.ConditionExpression, placeholders);
}

function checkItem(item: unknown): Item {
    if (item === null || typeof item !== "object" || Array.isArray(item)) throw validation("Item must be a map");
    const checked: Item = {};
    for (const [name, value] of Object.entries(item)) checked[name] = checkValue(value, `Item.${name}`);
    if (itemBytes(checked) > MAX_ITEM_BYTES) throw validation("Item size has exceeded the maximum allowed size");
    return checked;
}

/** Refuses the write when the condition does not hold for the current item (absent: an empty one). */
function checkCondition(condition: Condition | undefined, current: Item | undefined, request: WriteRequest): void {
    if (!condition || evaluateCondition(current ?? {}, condition)) return;
    const withItem = request.ReturnValuesOnConditionCheckFailure === "ALL_OLD" && current;
    throw new AwsServiceError(
        "ConditionalCheckFailedException",
        "The conditional request failed",
        400,
        withItem ? { Item: current } : {},
    );
}

function returnValuesOf(request: WriteRequest, allowed: string[]): string {
    const value = request.ReturnValues ?? "NONE";
    if (typeof value !== "string" || !allowed.includes(value))
        throw validation(`Return values set to invalid value: ${String(value)}`);
    return value;
}

/** What UpdateItem's ReturnValues asks for: the whole item, or only the attributes the update touched. */
function updateAnswer(returnValues: string, before: Item | undefined, after: Item, actions: UpdateAction[]) {
    if (returnValues === "NONE") return {};
    if (returnValues === "ALL_OLD") return before ? { Attributes: before } : {};
    if (returnValues === "ALL_NEW") return { Attributes: after };
    const source = returnValues === "UPDATED_OLD" ? (before ?? {}) : after;
    const touched = new Set(actions.map(a => a.path[0] as string));
    const attributes = Object.fromEntries(Object.entries(source).filter(([name]) => touched.has(name)));
    return Object.keys(attributes).length > 0 ? { Attributes: attributes } : {};
}

function getItem(store: TableStore, request: WriteRequest & { ConsistentRead?: unknown }): unknown {
    const table = store.table(request.TableName);
    const item = store.get(table, store.checkKey(table, request.Key));
    return item ? { Item: item } : {};
}

function putItem(store: TableStore, request: WriteRequest): unknown {
    const table = store.table(request.TableName);
    const item = checkItem(request.Item);
    return replaceItem(store, table, store.keyOf(table, item), request, item);
}

/**
 * PutItem and DeleteItem alike: the condition checked against the item there now, then
 * `replacement` stored in its place (undefined deletes); ALL_OLD answers what was there.
 */
function replaceItem(
    store: TableStore,
    table: DeclaredTable,
    key: Item,
    request: WriteRequest,
    replacement: Item | undefined,
): unknown {
    const placeholders = placeholdersOf(request);
    const condition = conditionOf(request, placeholders);
    placeholders.checkAllUsed();
    const returnValues = returnValuesOf(request, ["NONE", "ALL_OLD"]);
    const current = store.get(table, key);
    checkCondition(condition, current, request);
    store.put(table, key, replacement);
    return returnValues === "ALL_OLD" && current ? { Attributes: current } : {};
}

function checkKeyUnchanged(table: DeclaredTable, actions: UpdateAction[]): void {
    for (const action of actions) {
        const name = action.path[0];
        if (name === table.hashKey || name === table.rangeKey)
            throw validation(
                `One or more parameter values were invalid: Cannot update attribute ${name}. This attribute is part of the key`,
            );
    }
}

function updateItem(store: TableStore, request: WriteRequest): unknown {
    const table = store.table(request.TableName);
    const key = store.checkKey(table, request.Key);
    const placeholders = placeholdersOf(request);
    const condition = conditionOf(request, placeholders);
    if (typeof request.UpdateExpression !== "string")
        throw validation("The UpdateExpression is required locally (AttributeUpdates is not supported)");
    const actions = parseUpdate(request.UpdateExpression, placeholders);
    placeholders.checkAllUsed();
    checkKeyUnchanged(table, actions);
    const returnValues = returnValuesOf(request, ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]);
    const current = store.get(table, key);
    checkCondition(condition, current, request);
    const after = applyUpdate({ ...(current ?? {}), ...key }, actions);
    if (itemBytes(after) > MAX_ITEM_BYTES)
        throw validation("Item size to update has exceeded the maximum allowed size");
    store.put(table, key, after);
    return updateAnswer(returnValues, current, after, actions);
}

function deleteItem(store: TableStore, request: WriteRequest): unknown {
    const table = store.table(request.TableName);
    return replaceItem(store, table, store.checkKey(table, request.Key), request, undefined);
}

/** The handlers by operation name, for startAwsJsonServer. Each runs to its end before the next starts. */
export function createDynamoDbOperations(store: TableStore): Record<string, OperationHandler> {
    return {
        GetItem: body => getItem(store, body),
        PutItem: body => putItem(store, body),
        UpdateItem: body => updateItem(store, body),
        DeleteItem: body => deleteItem(store, body),
    };
}
