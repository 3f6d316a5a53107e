// The local DynamoDB endpoint driven by the real @aws-sdk/client-dynamodb: conditional writes as
// the healer makes them, the errors DynamoDB answers, and Time to Live's lazy deletion.
import * as assert from "assert";
import {
    ConditionalCheckFailedException,
    DeleteItemCommand,
    DynamoDBClient,
    GetItemCommand,
    PutItemCommand,
    ResourceNotFoundException,
    UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { DynamoDbEndpoint, startDynamoDbEndpoint } from "../../../local/dynamodb/endpoint";
import { localClientConfig } from "../../helpers/local-client";

const TABLE = {
    name: "claims-1234567",
    arn: "arn:aws:dynamodb:us-east-1:000000000000:table/claims-1234567",
    hashKey: "taskArn",
    keyTypes: { taskArn: "S" as const },
    ttlAttribute: "expiresAt",
};
const TASK = "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef";

describe("local DynamoDB endpoint through the real SDK", () => {
    let endpoint: DynamoDbEndpoint;
    let db: DynamoDBClient;
    let now = Date.parse("2026-11-28T12:00:00Z");

    before(async () => {
        endpoint = await startDynamoDbEndpoint({ tables: [TABLE], now: () => now, ttlDeletionDelayMs: 3_600_000 });
        db = new DynamoDBClient(localClientConfig(endpoint.url));
    });

    after(async () => {
        db?.destroy();
        await endpoint?.close();
    });

    /** The healer's claim: a lease on the stopped task, taken when there is none or it ran out. */
    const claim = (claimId: string, leaseSeconds = 150) =>
        db.send(
            new UpdateItemCommand({
                TableName: TABLE.name,
                Key: { taskArn: { S: TASK } },
                UpdateExpression: "SET #state = :claimed, #lease = :lease, #claim = :me, #exp = :exp",
                ConditionExpression: "attribute_not_exists(#task) OR (#state = :claimed AND #lease < :now)",
                ExpressionAttributeNames: {
                    "#state": "state",
                    "#lease": "leaseUntil",
                    "#claim": "claimId",
                    "#exp": "expiresAt",
                    "#task": "taskArn",
                },
                ExpressionAttributeValues: {
                    ":claimed": { S: "claimed" },
                    ":lease": { N: String(Math.floor(now / 1000) + leaseSeconds) },
                    ":me": { S: claimId },
                    ":exp": { N: String(Math.floor(now / 1000) + 60) },
                    ":now": { N: String(Math.floor(now / 1000)) },
                },
                ReturnValues: "ALL_OLD",
                ReturnValuesOnConditionCheckFailure: "ALL_OLD",
            }),
        );

    it("one claim wins among concurrent ones; the others get ConditionalCheckFailedException with the item", async () => {
        const results = await Promise.allSettled(["a", "b", "c", "d"].map(id => claim(id)));
        const won = results.filter(r => r.status === "fulfilled");
        assert.strictEqual(won.length, 1);
        assert.deepStrictEqual((won[0] as PromiseFulfilledResult<any>).value.Attributes, undefined, "no item before");
        for (const r of results.filter(r => r.status === "rejected") as PromiseRejectedResult[]) {
            assert.ok(r.reason instanceof ConditionalCheckFailedException, String(r.reason));
            assert.strictEqual(r.reason.message, "The conditional request failed");
            assert.strictEqual(r.reason.Item?.state?.S, "claimed");
        }
    });

    it("a lease that ran out can be taken over, with the old claim returned", async () => {
        now += 151_000;
        const taken = await claim("e");
        assert.strictEqual(taken.Attributes?.state?.S, "claimed");
        await db.send(
            new UpdateItemCommand({
                TableName: TABLE.name,
                Key: { taskArn: { S: TASK } },
                UpdateExpression: "SET #state = :done",
                ConditionExpression: "#claim = :me",
                ExpressionAttributeNames: { "#state": "state", "#claim": "claimId" },
                ExpressionAttributeValues: { ":done": { S: "done" }, ":me": { S: "e" } },
            }),
        );
        now += 1_000_000;
        await assert.rejects(claim("f"), ConditionalCheckFailedException, "done is never claimed again");
    });

    it("keeps an expired item (reads and conditions see it) until well after its expiry, then deletes it", async () => {
        const key = { taskArn: { S: TASK } };
        const item = await db.send(new GetItemCommand({ TableName: TABLE.name, Key: key }));
        assert.ok(Number(item.Item!.expiresAt.N) * 1000 < now, "expired");
        assert.strictEqual(item.Item!.state.S, "done", "still there");
        now += 3_600_000;
        assert.strictEqual((await db.send(new GetItemCommand({ TableName: TABLE.name, Key: key }))).Item, undefined);
    });

    it("PutItem and DeleteItem with conditions and ALL_OLD", async () => {
        const key = { taskArn: { S: "other" } };
        await db.send(
            new PutItemCommand({
                TableName: TABLE.name,
                Item: { ...key, n: { N: "1" } },
                ConditionExpression: "attribute_not_exists(taskArn)",
            }),
        );
        await assert.rejects(
            db.send(
                new PutItemCommand({
                    TableName: TABLE.name,
                    Item: { ...key, n: { N: "2" } },
                    ConditionExpression: "attribute_not_exists(taskArn)",
                }),
            ),
            ConditionalCheckFailedException,
        );
        const deleted = await db.send(
            new DeleteItemCommand({ TableName: TABLE.name, Key: key, ReturnValues: "ALL_OLD" }),
        );
        assert.deepStrictEqual(deleted.Attributes, { ...key, n: { N: "1" } });
    });

    it("answers an unknown table, a wrong key, a key update and a bad expression with DynamoDB's errors", async () => {
        await assert.rejects(
            db.send(new GetItemCommand({ TableName: "nope", Key: { taskArn: { S: "x" } } })),
            (err: Error) => err instanceof ResourceNotFoundException && err.message === "Requested resource not found",
        );
        await assert.rejects(db.send(new GetItemCommand({ TableName: TABLE.name, Key: { id: { S: "x" } } })), {
            name: "ValidationException",
            message: "The provided key element does not match the schema",
        });
        await assert.rejects(
            db.send(
                new UpdateItemCommand({
                    TableName: TABLE.name,
                    Key: { taskArn: { S: "x" } },
                    UpdateExpression: "SET taskArn = :v",
                    ExpressionAttributeValues: { ":v": { S: "y" } },
                }),
            ),
            /Cannot update attribute taskArn. This attribute is part of the key/,
        );
        await assert.rejects(
            db.send(
                new UpdateItemCommand({
                    TableName: TABLE.name,
                    Key: { taskArn: { S: "x" } },
                    UpdateExpression: "SET a = :v",
                    ConditionExpression: "#s = :v",
                    ExpressionAttributeValues: { ":v": { S: "y" } },
                }),
            ),
            { name: "ValidationException" },
        );
    });
});
