// Both local endpoints refuse a request signed more than five minutes off their clock, as AWS does,
// and the real SDK clients correct their clock offset from the answer and go on.
import * as assert from "assert";
import { ECSClient, ListTasksCommand } from "@aws-sdk/client-ecs";
import { ListActivitiesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { startEcsEndpoint } from "../../../local/ecs/endpoint";
import { amzDate, signatureTimeProblem, signedAt } from "../../../local/shared/signature-date";
import { ActivityStore } from "../../../local/sfn/activity-store";
import { startStepFunctionsEndpoint } from "../../../local/sfn/endpoint";
import { LOCAL_CLIENT_CREDENTIALS } from "../../helpers/local-client";

const NOW = Date.UTC(2026, 11, 1, 10, 0, 0);
const MINUTE = 60_000;

describe("signature time (local endpoints)", function () {
    this.timeout(15_000);

    it("reads X-Amz-Date, or the Date header of a SigV4 request", () => {
        assert.strictEqual(amzDate(NOW), "20261201T100000Z");
        assert.strictEqual(signedAt({ "x-amz-date": "20261201T100000Z" }), NOW);
        assert.strictEqual(
            signedAt({ authorization: "AWS4-HMAC-SHA256 Credential=x", date: new Date(NOW).toUTCString() }),
            NOW,
        );
        assert.strictEqual(signedAt({ date: new Date(NOW).toUTCString() }), undefined, "an unsigned request");
        assert.strictEqual(signedAt({ "x-amz-date": "yesterday" }), undefined);
    });

    it("says what AWS says, five minutes either way", () => {
        const at = (offset: number) => signatureTimeProblem({ "x-amz-date": amzDate(NOW + offset) }, NOW);
        assert.strictEqual(at(-5 * MINUTE), undefined);
        assert.strictEqual(at(5 * MINUTE), undefined);
        assert.strictEqual(
            at(-10 * MINUTE),
            "Signature expired: 20261201T095000Z is now earlier than 20261201T095500Z (20261201T100000Z - 5 min.)",
        );
        assert.strictEqual(
            at(10 * MINUTE),
            "Signature not yet current: 20261201T101000Z is still later than 20261201T100500Z (20261201T100000Z + 5 min.)",
        );
    });

    // A client signing 10 minutes off: the SDK signs at Date.now() + systemClockOffset, so an offset
    // of its own stands in for a skewed clock (a real skew is in tests/e2e/aws-says-no.test.ts).
    const skewed = { credentials: LOCAL_CLIENT_CREDENTIALS, region: "us-east-1" };

    it("the Step Functions endpoint answers HTTP 403 InvalidSignatureException with a Date header; the SDK corrects its offset", async () => {
        const store = new ActivityStore({ maxPollSeconds: 1 });
        const ep = await startStepFunctionsEndpoint({ store });
        const client = new SFNClient({ ...skewed, endpoint: ep.url, maxAttempts: 1, systemClockOffset: -10 * MINUTE });
        try {
            const error: any = await client.send(new ListActivitiesCommand({})).catch(e => e);
            assert.strictEqual(error.name, "InvalidSignatureException");
            assert.match(
                error.message,
                /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
            );
            assert.strictEqual(error.$metadata.httpStatusCode, 403);
            assert.ok(error.$response.headers.date, "the answer carries the server's Date");
            assert.ok(
                Math.abs(client.config.systemClockOffset) < 2000,
                `offset now ${client.config.systemClockOffset}`,
            );
            assert.strictEqual(ep.requestsFor("ListActivities").length, 0, "the operation never ran");
            await assert.doesNotReject(client.send(new ListActivitiesCommand({})));
        } finally {
            client.destroy();
            await ep.close();
            store.close();
        }
    });

    it("the ECS endpoint refuses a signature from the future the same way", async () => {
        const cluster = { arn: "arn:aws:ecs:us-east-1:000000000000:cluster/c", name: "c" };
        const ep = await startEcsEndpoint({ clusters: [cluster], taskDefinitions: [], externalWorkers: true });
        const client = new ECSClient({ ...skewed, endpoint: ep.url, maxAttempts: 1, systemClockOffset: 10 * MINUTE });
        try {
            const error: any = await client.send(new ListTasksCommand({ cluster: "c" })).catch(e => e);
            assert.strictEqual(error.name, "InvalidSignatureException");
            assert.match(error.message, /^Signature not yet current: /);
            assert.strictEqual(error.$metadata.httpStatusCode, 403);
            assert.ok(error.$response.headers.date);
            await assert.doesNotReject(client.send(new ListTasksCommand({ cluster: "c" })));
        } finally {
            client.destroy();
            await ep.close();
        }
    });
});
