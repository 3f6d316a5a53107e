// The healer's claim records in DynamoDB, through the real @aws-sdk/client-dynamodb against the
// local endpoint: copies of one stopped container's event that all pass every check at the same
// moment heal one task, whatever `detail.version` each carries; a lease that ran out is taken over;
// a released one at once.
import * as assert from "assert";
import { DynamoDBClient, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { CLAIM_TABLE_KEY, CLAIM_TABLE_TTL_ATTRIBUTE, dynamoDbClaimRecords } from "../functions/claim-table";
import { CLAIM_LEASE_SECONDS, ClaimRecords } from "../functions/healer-claims";
import { HealerApis, healStoppedTask, HistoryEvent } from "../functions/healer";
import { HEALER_TIMEOUT_SECONDS } from "../components/healer-function";
import { DynamoDbEndpoint, startDynamoDbEndpoint } from "../local/dynamodb/endpoint";
import { localClientConfig } from "./helpers/local-client";

const ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:dev-ecs";
const CLUSTER = "arn:aws:ecs:us-east-1:000000000000:cluster/c";
const EXECUTION = "arn:aws:states:us-east-1:000000000000:execution:sm:run-1";
const TABLE = "claims-test";
const CONFIG = { activityArn: ACTIVITY, clusterArn: CLUSTER, claimsTable: TABLE };
let taskNumber = 0;

/** Copies of one stopped container's event, and an AWS in which every copy reads the history before any claims. */
function concurrentCopies(copies: number, claims: ClaimRecords) {
    const taskArn = `arn:aws:ecs:us-east-1:000000000000:task/c/${(++taskNumber).toString(16).padStart(32, "0")}`;
    const history: HistoryEvent[] = [
        {
            id: 7,
            previousEventId: 6,
            type: "ActivityScheduled",
            activityScheduledEventDetails: { resource: ACTIVITY, input: JSON.stringify({ _execution: { taskArn } }) },
        },
    ];
    let read = 0;
    let allRead!: () => void;
    const barrier = new Promise<void>(resolve => (allRead = resolve));
    const failed: string[] = [];
    const pending = Array.from({ length: copies }, (_, i) => `tok-${i}`);
    const apis: HealerApis = {
        describeTask: async () => ({
            taskArn,
            overrides: {
                containerOverrides: [{ environment: [{ name: "STEP_FUNCTIONS_EXECUTION_ARN", value: EXECUTION }] }],
            },
        }),
        getExecutionHistory: async () => {
            if (++read === copies) allRead();
            await barrier;
            return { events: history };
        },
        getActivityTask: async () => {
            const taskToken = pending.shift();
            return taskToken ? { taskToken, input: "{}" } : {};
        },
        sendTaskFailure: async token => void failed.push(token),
        claims,
    };
    const event = (version: number) => ({ detail: { taskArn, lastStatus: "STOPPED", version } });
    return { taskArn, apis, failed, event };
}

describe("healer claim records (DynamoDB through the real SDK)", () => {
    let endpoint: DynamoDbEndpoint;
    let client: DynamoDBClient;
    let claims: ClaimRecords;

    before(async () => {
        endpoint = await startDynamoDbEndpoint({
            tables: [
                {
                    name: TABLE,
                    arn: `arn:aws:dynamodb:us-east-1:000000000000:table/${TABLE}`,
                    hashKey: CLAIM_TABLE_KEY,
                    keyTypes: { [CLAIM_TABLE_KEY]: "S" },
                    ttlAttribute: CLAIM_TABLE_TTL_ATTRIBUTE,
                },
            ],
        });
        client = new DynamoDBClient(localClientConfig(endpoint.url));
        claims = dynamoDbClaimRecords(input => client.send(new UpdateItemCommand(input)), TABLE);
    });

    after(async () => {
        client?.destroy();
        await endpoint?.close();
    });

    it("five copies that pass every check at once heal one task; without the record each would heal one", async () => {
        const copies = concurrentCopies(5, claims);
        const outcomes = await Promise.all(
            [4, 4, 5, 4, 6].map((v, i) =>
                healStoppedTask(copies.apis, CONFIG, copies.event(v), { claimId: `copy-${i}` }),
            ),
        );
        assert.deepStrictEqual(outcomes.map(o => o.action).sort(), [
            "failed-task",
            "ignored",
            "ignored",
            "ignored",
            "ignored",
        ]);
        assert.deepStrictEqual(copies.failed, ["tok-0"]);
        const always: ClaimRecords = { ...claims, acquire: async () => ({ acquired: true }) };
        const control = concurrentCopies(5, always);
        await Promise.all(
            [0, 1, 2, 3, 4].map(i => healStoppedTask(control.apis, CONFIG, control.event(4), { claimId: `c-${i}` })),
        );
        assert.strictEqual(control.failed.length, 5, "the copies did run side by side");
    });

    it("records the heal with the event's version beside the task's key, its outcome and a TTL a week away", async () => {
        const copies = concurrentCopies(1, claims);
        await healStoppedTask(copies.apis, CONFIG, copies.event(9), { claimId: "only" });
        const item = await endpoint.store.get(endpoint.store.table(TABLE), {
            [CLAIM_TABLE_KEY]: { S: copies.taskArn },
        });
        assert.deepStrictEqual(
            [item?.state, item?.outcome, item?.detailVersion, item?.claimId, item?.leaseUntil],
            [{ S: "done" }, { S: "failed-task" }, { N: "9" }, { S: "only" }, undefined],
        );
        const days = (Number((item?.expiresAt as { N: string }).N) - Date.now() / 1000) / 86400;
        assert.ok(days > 6.9 && days <= 7, `${days} days`);
    });

    it("a holder's lease outlasts the healer's timeout; once it ran out, or was released, another takes over", async () => {
        assert.ok(CLAIM_LEASE_SECONDS > HEALER_TIMEOUT_SECONDS);
        const taskArn = "arn:aws:ecs:us-east-1:000000000000:task/c/lease";
        const now = Math.floor(Date.now() / 1000);
        assert.deepStrictEqual(await claims.acquire(taskArn, { claimId: "a", nowSeconds: now }), { acquired: true });
        await claims.recordToken(taskArn, "a", "token-a");
        assert.deepStrictEqual(
            await claims.acquire(taskArn, { claimId: "b", nowSeconds: now + HEALER_TIMEOUT_SECONDS }),
            {
                acquired: false,
                state: "claimed",
            },
        );
        assert.deepStrictEqual(
            await claims.acquire(taskArn, { claimId: "b", nowSeconds: now + CLAIM_LEASE_SECONDS + 1 }),
            {
                acquired: true,
                previousToken: "token-a",
            },
        );
        await claims.recordToken(taskArn, "a", "late-a");
        await claims.finish(taskArn, "a", "failed-task");
        await claims.release(taskArn, "b");
        assert.deepStrictEqual(
            await claims.acquire(taskArn, { claimId: "c", nowSeconds: now + CLAIM_LEASE_SECONDS + 2 }),
            {
                acquired: true,
                previousToken: "token-a",
            },
            "a former holder changes nothing; a released lease is taken at once",
        );
        await claims.finish(taskArn, "c", "failed-task");
        assert.deepStrictEqual(await claims.acquire(taskArn, { claimId: "d", nowSeconds: now + 10 ** 6 }), {
            acquired: false,
            state: "done",
        });
    });
});
