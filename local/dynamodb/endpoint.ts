// The local DynamoDB endpoint: AWS JSON 1.0 on 127.0.0.1 for the real @aws-sdk/client-dynamodb
// (through AWS_ENDPOINT_URL_DYNAMODB), serving the tables the plan declares. Only what the product
// uses is answered: GetItem, PutItem, UpdateItem and DeleteItem (see operations.ts); tables are
// never created or deleted on the wire.
import { startAwsJsonServer } from "../shared/aws-json-server";
import { createDynamoDbOperations } from "./operations";
import { DeclaredTable, TableStore, TableStoreOptions } from "./tables";

export type { DeclaredTable } from "./tables";
export type { AttributeValue, Item } from "./attribute-values";

export interface DynamoDbEndpointOptions extends TableStoreOptions {
    tables: DeclaredTable[];
    /** 0 or absent: a free port. */
    port?: number;
}

export interface DynamoDbEndpoint {
    /** AWS_ENDPOINT_URL_DYNAMODB. */
    readonly url: string;
    readonly port: number;
    readonly store: TableStore;
    /** Requests answered so far: reads (GetItem) and writes (PutItem, UpdateItem, DeleteItem, refused ones included). */
    requestCounts(): { reads: number; writes: number };
    close(): Promise<void>;
}

const READS = new Set(["GetItem"]);

export async function startDynamoDbEndpoint(options: DynamoDbEndpointOptions): Promise<DynamoDbEndpoint> {
    const store = new TableStore(options.tables, options);
    const counts = { reads: 0, writes: 0 };
    const operations = createDynamoDbOperations(store);
    for (const [name, handler] of Object.entries(operations))
        operations[name] = (body, ctx) => {
            if (READS.has(name)) counts.reads++;
            else counts.writes++;
            return handler(body, ctx);
        };
    const server = await startAwsJsonServer(
        {
            protocol: "1.0",
            targetPrefix: "DynamoDB_20120810",
            errorNamespace: "com.amazonaws.dynamodb.v20120810",
            operations,
        },
        { port: options.port },
    );
    return {
        url: server.url,
        port: server.port,
        store,
        requestCounts: () => ({ ...counts }),
        close: () => server.close(),
    };
}
