// The environment a benchmarked worker process gets: the local endpoint, dummy credentials, and
// nothing from this machine's ~/.aws, so every benchmark measures the same start.
import * as os from "os";
import * as path from "path";

export function benchWorkerEnv(
    activityArn: string,
    endpointUrl: string,
    scratchDir: string,
    workerName: string,
): NodeJS.ProcessEnv {
    return {
        PATH: process.env.PATH,
        HOME: os.tmpdir(),
        ACTIVITY_ARN: activityArn,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "bench",
        AWS_SECRET_ACCESS_KEY: "bench",
        AWS_ENDPOINT_URL_SFN: endpointUrl,
        AWS_CONFIG_FILE: path.join(scratchDir, "no-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(scratchDir, "no-credentials"),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        WORKER_NAME: workerName,
    };
}
