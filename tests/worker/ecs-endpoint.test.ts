// Where the worker's signed TagResource goes, in each partition and with FIPS, dual-stack or a
// configured endpoint: through the worker's bundle (the ECS client's endpoint rules, bundled, with
// the settings the Step Functions client resolves from the environment) and through plain Node.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as esbuild from "esbuild";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { workerBuildOptions } from "../../components/worker-bundle";
import { resolveEcsEndpoint } from "../../worker-image/lib/ecs-endpoint";

const LIB = path.resolve(__dirname, "..", "..", "worker-image", "lib");

/** Region and environment → the endpoint AWS documents (https://docs.aws.amazon.com/general/latest/gr/ecs-service.html). */
const TABLE: Array<{ env: Record<string, string>; endpoint: string }> = [
    { env: { AWS_REGION: "us-east-1" }, endpoint: "https://ecs.us-east-1.amazonaws.com/" },
    { env: { AWS_REGION: "cn-north-1" }, endpoint: "https://ecs.cn-north-1.amazonaws.com.cn/" },
    { env: { AWS_REGION: "us-gov-west-1" }, endpoint: "https://ecs.us-gov-west-1.amazonaws.com/" },
    {
        env: { AWS_REGION: "us-east-1", AWS_USE_FIPS_ENDPOINT: "true" },
        endpoint: "https://ecs-fips.us-east-1.amazonaws.com/",
    },
    {
        env: { AWS_REGION: "us-gov-west-1", AWS_USE_FIPS_ENDPOINT: "true" },
        endpoint: "https://ecs-fips.us-gov-west-1.amazonaws.com/",
    },
    {
        env: { AWS_REGION: "eu-west-1", AWS_USE_DUALSTACK_ENDPOINT: "true" },
        endpoint: "https://ecs.eu-west-1.api.aws/",
    },
    {
        env: { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_ECS: "http://127.0.0.1:4566" },
        endpoint: "http://127.0.0.1:4566/",
    },
    { env: { AWS_REGION: "us-east-1", AWS_ENDPOINT_URL: "http://127.0.0.1:9" }, endpoint: "http://127.0.0.1:9/" },
    {
        env: {
            AWS_REGION: "cn-north-1",
            AWS_ENDPOINT_URL_ECS: "http://127.0.0.1:4566",
            AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: "true",
        },
        endpoint: "https://ecs.cn-north-1.amazonaws.com.cn/",
    },
];

/** What the worker resolves, as its task marker does: the Step Functions client's FIPS and dual-stack settings. */
const ENTRY = `
import { createSfnClient, markerSdkOf } from ${JSON.stringify(path.join(LIB, "sfn-api"))};
import { resolveEcsEndpoint } from ${JSON.stringify(path.join(LIB, "ecs-endpoint"))};
const region = process.env.AWS_REGION!;
markerSdkOf(createSfnClient({ region }))
    .endpointOptions()
    .then(options => console.log(resolveEcsEndpoint({ region, ...options }).href));
`;

describe("worker: the ECS endpoint of its TagResource", function () {
    this.timeout(60_000);
    let dir: string;
    let bundle: string;

    before(async () => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-endpoint-"));
        fs.writeFileSync(path.join(dir, "entry.ts"), ENTRY);
        bundle = path.join(dir, "entry.js");
        const result = await esbuild.build({ ...workerBuildOptions(path.join(dir, "entry.ts"), bundle), write: true });
        assert.deepEqual(result.errors, []);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A process with only these variables (no profile of this machine's). */
    function endpointFromBundle(env: Record<string, string>): string {
        return execFileSync(process.execPath, [bundle], {
            encoding: "utf8",
            env: {
                PATH: process.env.PATH,
                HOME: dir,
                AWS_CONFIG_FILE: path.join(dir, "none"),
                AWS_SHARED_CREDENTIALS_FILE: path.join(dir, "none"),
                AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
                ...env,
            },
        }).trim();
    }

    for (const { env, endpoint } of TABLE)
        it(`${JSON.stringify(env)} → ${endpoint}`, () => assert.equal(endpointFromBundle(env), endpoint));

    it("the bundle holds the ECS endpoint rules, not the ECS client", () => {
        const text = fs.readFileSync(bundle, "utf8");
        assert.ok(text.includes("amazonaws.com.cn") || text.includes("aws-cn"), "the partitions are there");
        assert.ok(!text.includes("RunTaskCommand") && !text.includes("AmazonEC2ContainerServiceV20141113"));
    });

    it("plain Node (the package's CommonJS build) resolves the same", () => {
        const saved = { ...process.env };
        try {
            for (const { env, endpoint } of TABLE) {
                for (const name of Object.keys(process.env))
                    if (name.startsWith("AWS_ENDPOINT_URL")) delete process.env[name];
                delete process.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS;
                Object.assign(process.env, env);
                const url = resolveEcsEndpoint({
                    region: env.AWS_REGION,
                    useFipsEndpoint: env.AWS_USE_FIPS_ENDPOINT === "true",
                    useDualstackEndpoint: env.AWS_USE_DUALSTACK_ENDPOINT === "true",
                });
                assert.equal(url.href, endpoint, JSON.stringify(env));
            }
        } finally {
            for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name];
            Object.assign(process.env, saved);
        }
    });

    it("refuses FIPS with a configured endpoint, as the SDK does", () => {
        assert.throws(
            () => resolveEcsEndpoint({ region: "us-east-1", useFipsEndpoint: true, endpoint: "http://127.0.0.1:9" }),
            /FIPS and custom endpoint are not supported/,
        );
    });
});
