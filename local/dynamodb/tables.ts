// The tables the local DynamoDB endpoint serves (declared by the plan, never created on the wire),
// their items by primary key, and Time to Live. DynamoDB deletes an expired item in the
// background, typically within a few days of its expiry, and until then reads return it and
// conditions see it (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/howitworks-ttl.html):
// so here an item whose TTL attribute (epoch seconds) has passed stays until `ttlDeletionDelayMs`
// after that moment.
import { AwsServiceError } from "../shared/aws-json-server";
import { AttributeValue, checkValue, Item, typeOf, validation } from "./attribute-values";

export interface DeclaredTable {
    name: string;
    arn: string;
    hashKey: string;
    rangeKey?: string;
    /** Key attribute name → its type (S, N or B), from the table's attribute definitions. */
    keyTypes: Record<string, "S" | "N" | "B">;
    /** The TTL attribute, when Time to Live is enabled. */
    ttlAttribute?: string;
}

export interface TableStoreOptions {
    /** How long after its expiry an item is deleted. Default 48 hours (AWS: typically within a few days). */
    ttlDeletionDelayMs?: number;
    now?: () => number;
}

interface Table {
    declared: DeclaredTable;
    items: Map<string, Item>;
}

export class TableStore {
    private readonly tables = new Map<string, Table>();
    private readonly ttlDeletionDelayMs: number;
    private readonly now: () => number;
    private lastSweep = 0;

    constructor(declared: DeclaredTable[], options: TableStoreOptions = {}) {
        for (const table of declared) this.tables.set(table.name, { declared: table, items: new Map() });
        this.ttlDeletionDelayMs = options.ttlDeletionDelayMs ?? 48 * 3600_000;
        this.now = options.now ?? Date.now;
    }

    /** A table by name or ARN, or ResourceNotFoundException. */
    table(nameOrArn: unknown): DeclaredTable {
        if (typeof nameOrArn !== "string" || nameOrArn.length === 0)
            throw validation(
                "1 validation error detected: Value null at 'tableName' failed to satisfy constraint: Member must not be null",
            );
        const table = this.tables.get(nameOrArn) ?? [...this.tables.values()].find(t => t.declared.arn === nameOrArn);
        if (!table) throw new AwsServiceError("ResourceNotFoundException", "Requested resource not found");
        return table.declared;
    }

    /** The request's Key: exactly the table's key attributes, of their declared types. */
    checkKey(table: DeclaredTable, key: unknown): Item {
        const names = [table.hashKey, ...(table.rangeKey ? [table.rangeKey] : [])];
        const mismatch = () => validation("The provided key element does not match the schema");
        if (key === null || typeof key !== "object" || Array.isArray(key)) throw mismatch();
        const entries = Object.entries(key as Record<string, unknown>);
        if (entries.length !== names.length || !names.every(n => n in (key as object))) throw mismatch();
        const checked: Item = {};
        for (const [name, value] of entries) {
            checked[name] = checkValue(value, `Key.${name}`);
            if (typeOf(checked[name]) !== table.keyTypes[name]) throw mismatch();
            if ("S" in checked[name] && (checked[name] as { S: string }).S === "")
                throw validation(
                    `One or more parameter values are not valid. The AttributeValue for a key attribute cannot contain an empty string value. Key: ${name}`,
                );
        }
        return checked;
    }

    /** The item's key, taken from a whole item (PutItem). */
    keyOf(table: DeclaredTable, item: Item): Item {
        const key: Item = {};
        for (const name of [table.hashKey, ...(table.rangeKey ? [table.rangeKey] : [])]) {
            if (!(name in item))
                throw validation(`One or more parameter values were invalid: Missing the key ${name} in the item`);
            key[name] = item[name];
        }
        return this.checkKey(table, key);
    }

    get(table: DeclaredTable, key: Item): Item | undefined {
        this.sweepExpired();
        const item = this.tables.get(table.name)!.items.get(keyText(key));
        return item === undefined ? undefined : structuredClone(item);
    }

    put(table: DeclaredTable, key: Item, item: Item | undefined): void {
        const items = this.tables.get(table.name)!.items;
        if (item === undefined) items.delete(keyText(key));
        else items.set(keyText(key), structuredClone(item));
    }

    /** Deletes items whose TTL passed more than the deletion delay ago (at most once a second). */
    private sweepExpired(): void {
        const now = this.now();
        if (now - this.lastSweep < 1000) return;
        this.lastSweep = now;
        for (const { declared, items } of this.tables.values()) {
            if (!declared.ttlAttribute) continue;
            for (const [key, item] of items) {
                const expiry = expirySeconds(item[declared.ttlAttribute]);
                if (expiry !== undefined && expiry * 1000 + this.ttlDeletionDelayMs <= now) items.delete(key);
            }
        }
    }
}

/** A TTL attribute's epoch seconds; DynamoDB ignores a value that is not a number. */
function expirySeconds(value: AttributeValue | undefined): number | undefined {
    return value && "N" in value ? Number(value.N) : undefined;
}

/** One text per key: numbers by value (`1` and `1.0` are one key). */
function keyText(key: Item): string {
    return JSON.stringify(
        Object.keys(key)
            .sort()
            .map(k => [k, "N" in key[k] ? { N: String(Number((key[k] as { N: string }).N)) } : key[k]]),
    );
}
