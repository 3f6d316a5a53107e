// The healer's claim records in DynamoDB: one item per stopped ECS task, keyed by the task's ARN
// alone. Two STOPPED events of one task, whatever `detail.version` each carries, stand for one
// lost container, which must heal at most one pending task: so the version is stored beside the
// key, never in it. Every write is an UpdateItem with a condition, which DynamoDB applies
// atomically (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Expressions.ConditionExpressions.html);
// `expiresAt` is the table's TTL attribute. Every attribute goes through ExpressionAttributeNames,
// so none can clash with DynamoDB's reserved words.
import { Acquired, Claim, CLAIM_LEASE_SECONDS, CLAIM_RETENTION_SECONDS, ClaimRecords } from "./healer-claims";

/** The table's key and TTL attributes, which the component declares. */
export const CLAIM_TABLE_KEY = "taskArn";
export const CLAIM_TABLE_TTL_ATTRIBUTE = "expiresAt";

type Value = { S: string } | { N: string };

export interface UpdateItemInput {
    TableName: string;
    Key: Record<string, Value>;
    UpdateExpression: string;
    ConditionExpression: string;
    ExpressionAttributeNames: Record<string, string>;
    ExpressionAttributeValues: Record<string, Value>;
    ReturnValues?: "ALL_OLD" | "NONE";
    ReturnValuesOnConditionCheckFailure?: "ALL_OLD" | "NONE";
}

/** DynamoDB's UpdateItem through the SDK client; rejects with the service's error (its `name`). */
export type UpdateItem = (input: UpdateItemInput) => Promise<{ Attributes?: Record<string, { S?: string }> }>;

const NAMES = {
    "#task": CLAIM_TABLE_KEY,
    "#state": "state",
    "#lease": "leaseUntil",
    "#claim": "claimId",
    "#version": "detailVersion",
    "#expires": CLAIM_TABLE_TTL_ATTRIBUTE,
    "#token": "taskToken",
    "#outcome": "outcome",
};

/** Only the names an expression uses: DynamoDB refuses unused ones. */
function namesFor(...keys: Array<keyof typeof NAMES>): Record<string, string> {
    return Object.fromEntries(keys.map(k => [k, NAMES[k]]));
}

function isConditionFailure(error: unknown): error is { name: string; Item?: Record<string, { S?: string }> } {
    return (error as { name?: string })?.name === "ConditionalCheckFailedException";
}

export function dynamoDbClaimRecords(update: UpdateItem, tableName: string): ClaimRecords {
    const key = (taskArn: string) => ({ [CLAIM_TABLE_KEY]: { S: taskArn } });
    /** A change only the holder may make; a holder that lost its lease changes nothing. */
    const asHolder = async (taskArn: string, claimId: string, input: Omit<UpdateItemInput, "TableName" | "Key">) => {
        try {
            await update({ TableName: tableName, Key: key(taskArn), ...input });
        } catch (error) {
            if (!isConditionFailure(error)) throw error;
        }
    };
    return {
        async acquire(taskArn: string, claim: Claim): Promise<Acquired> {
            try {
                const old = await update({
                    TableName: tableName,
                    Key: key(taskArn),
                    UpdateExpression:
                        "SET #state = :claimed, #lease = :lease, #claim = :claim, #version = :version, #expires = :expires REMOVE #outcome",
                    ConditionExpression: "attribute_not_exists(#task) OR (#state = :claimed AND #lease < :now)",
                    ExpressionAttributeNames: namesFor(
                        "#task",
                        "#state",
                        "#lease",
                        "#claim",
                        "#version",
                        "#expires",
                        "#outcome",
                    ),
                    ExpressionAttributeValues: {
                        ":claimed": { S: "claimed" },
                        ":lease": { N: String(claim.nowSeconds + CLAIM_LEASE_SECONDS) },
                        ":claim": { S: claim.claimId },
                        ":version": { N: String(claim.detailVersion ?? 0) },
                        ":expires": { N: String(claim.nowSeconds + CLAIM_RETENTION_SECONDS) },
                        ":now": { N: String(claim.nowSeconds) },
                    },
                    ReturnValues: "ALL_OLD",
                    ReturnValuesOnConditionCheckFailure: "ALL_OLD",
                });
                const previousToken = old.Attributes?.taskToken?.S;
                return previousToken === undefined ? { acquired: true } : { acquired: true, previousToken };
            } catch (error) {
                if (isConditionFailure(error)) return { acquired: false, state: error.Item?.state?.S };
                throw error;
            }
        },
        recordToken: (taskArn, claimId, taskToken) =>
            asHolder(taskArn, claimId, {
                UpdateExpression: taskToken === undefined ? "REMOVE #token" : "SET #token = :token",
                ConditionExpression: "#claim = :claim",
                ExpressionAttributeNames: namesFor("#claim", "#token"),
                ExpressionAttributeValues: {
                    ":claim": { S: claimId },
                    ...(taskToken === undefined ? {} : { ":token": { S: taskToken } }),
                },
            }),
        finish: (taskArn, claimId, outcome) =>
            asHolder(taskArn, claimId, {
                UpdateExpression: "SET #state = :done, #outcome = :outcome REMOVE #lease",
                ConditionExpression: "#claim = :claim",
                ExpressionAttributeNames: namesFor("#claim", "#state", "#outcome", "#lease"),
                ExpressionAttributeValues: {
                    ":claim": { S: claimId },
                    ":done": { S: "done" },
                    ":outcome": { S: outcome },
                },
            }),
        release: (taskArn, claimId) =>
            asHolder(taskArn, claimId, {
                UpdateExpression: "SET #lease = :zero",
                ConditionExpression: "#claim = :claim AND #state = :claimed",
                ExpressionAttributeNames: namesFor("#claim", "#lease", "#state"),
                ExpressionAttributeValues: {
                    ":claim": { S: claimId },
                    ":zero": { N: "0" },
                    ":claimed": { S: "claimed" },
                },
            }),
    };
}
