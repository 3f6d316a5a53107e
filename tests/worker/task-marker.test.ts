// The task marker's signed TagResource against the local ECS endpoint's wire: it signs at the
// Step Functions client's corrected time, and after a refusal for the signature's time it takes
// AWS's time from the answer's Date header.
import { strict as assert } from "assert";
import { RunningServer, startAwsJsonServer } from "../../local/shared/aws-json-server";
import { ecsTaskMarker, MarkerSdk } from "../../worker-image/lib/task-marker";

const TASK_ARN = "arn:aws:ecs:us-east-1:000000000000:task/c/0123456789abcdef0123456789abcdef";
const EXECUTION_ARN = "arn:aws:states:us-east-1:000000000000:execution:sm:e1";

function sdkWithOffset(offsetMs: number): MarkerSdk & { offsets: number[] } {
    const offsets = [offsetMs];
    return {
        offsets,
        credentials: async () => ({ accessKeyId: "local", secretAccessKey: "local" }),
        clockOffsetMs: () => offsets.at(-1)!,
        setClockOffsetMs: offset => void offsets.push(offset),
        endpointOptions: async () => ({ useFipsEndpoint: false, useDualstackEndpoint: false }),
    };
}

describe("worker: the task marker's signed TagResource", function () {
    let ecs: RunningServer;
    const tagged: unknown[] = [];
    const saved = process.env.AWS_ENDPOINT_URL_ECS;

    before(async () => {
        ecs = await startAwsJsonServer({
            protocol: "1.1",
            targetPrefix: "AmazonEC2ContainerServiceV20141113",
            operations: { TagResource: body => (tagged.push(body), {}) },
        });
        process.env.AWS_ENDPOINT_URL_ECS = ecs.url;
    });
    after(async () => {
        if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_ECS;
        else process.env.AWS_ENDPOINT_URL_ECS = saved;
        await ecs.close();
    });
    beforeEach(() => tagged.splice(0));

    it("tags through AWS_ENDPOINT_URL_ECS, signed at the Step Functions client's time", async () => {
        await ecsTaskMarker(TASK_ARN, "us-east-1", sdkWithOffset(0)).markTaken(EXECUTION_ARN);
        assert.equal(tagged.length, 1);
    });

    it("signs with the client's clock offset, and after a refusal for the time takes AWS's time from the Date header", async () => {
        // An offset 10 minutes off stands in for a clock the client has not corrected yet.
        const sdk = sdkWithOffset(-10 * 60_000);
        const marker = ecsTaskMarker(TASK_ARN, "us-east-1", sdk);
        const refused: any = await marker.markTaken(EXECUTION_ARN).catch(e => e);
        assert.equal(refused?.name, "InvalidSignatureException");
        assert.match(refused.message, /^Signature expired: /);
        assert.equal(tagged.length, 0);
        assert.equal(sdk.offsets.length, 2, "the offset was corrected");
        assert.ok(Math.abs(sdk.offsets[1]) < 2000, `corrected to ${sdk.offsets[1]} ms`);
        await marker.markTaken(EXECUTION_ARN);
        assert.equal(tagged.length, 1, "signed again at the corrected time, it passes");
    });
});
