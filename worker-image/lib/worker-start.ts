// Start-up: the worker's name, its Step Functions client and its task marker, and the marker made
// ready once the first poll is out. Start-up time to that first poll is measured: nothing here may
// load the AWS SDK before it is needed.
import * as os from "os";
import type { ActivityApi } from "./sfn-api";
import { ecsTaskMarker, MarkerSdk, regionOfTaskArn, TaskMarker } from "./task-marker";
import type { WorkerOptions } from "./types";
import { resolveWorkerIdentity, WorkerIdentity } from "./worker-name";

const MARKER_PREPARE_DELAY_MS = 100;

export interface WorkerConnections {
    identity: WorkerIdentity;
    api: ActivityApi;
    /** Tags this container's ECS task when it takes a task; undefined: no tagging. */
    marker: TaskMarker | undefined;
}

function sdkApi(region: string): { api: ActivityApi; markerSdk: MarkerSdk } {
    // Loaded here so a caller that passes its own `api` never initialises the SDK.
    const { createSfnClient, markerSdkOf, sfnActivityApi } = require("./sfn-api") as typeof import("./sfn-api");
    const client = createSfnClient({ region });
    // The task marker signs with the same credentials and clock offset.
    return { api: sfnActivityApi(client), markerSdk: markerSdkOf(client) };
}

export async function connectWorker(
    options: WorkerOptions,
    arnRegion: string,
    shutdown: AbortSignal | undefined,
): Promise<WorkerConnections> {
    const identity = await resolveWorkerIdentity({
        env: options.env ?? process.env,
        hostname: os.hostname(),
        pid: process.pid,
        workerName: options.workerName,
        signal: shutdown,
    });
    const sdk = options.api ? undefined : sdkApi(options.region ?? arnRegion);
    const api = options.api ?? sdk!.api;
    // By default only a worker with its own SDK client marks its task: it signs with that client's credentials.
    const marker: TaskMarker | undefined =
        options.taskMarker === false
            ? undefined
            : (options.taskMarker ??
              (identity.ecsTaskArn && sdk
                  ? ecsTaskMarker(
                        identity.ecsTaskArn,
                        regionOfTaskArn(identity.ecsTaskArn) ?? options.region ?? arnRegion,
                        sdk.markerSdk,
                    )
                  : undefined));
    return { identity, api, marker };
}

/**
 * The container is idle while its poll waits: load the ECS client then, so the tag that tells the
 * healer "this container took a task" goes out within milliseconds of a task arriving. Late
 * enough that the first poll is on the wire first (start-up speed is measured to that request).
 * The timer is returned to be cleared at exit; it does not keep the process alive.
 */
export function prepareMarkerSoon(marker: TaskMarker | undefined): NodeJS.Timeout | undefined {
    const prepareTimer = marker?.prepare
        ? setTimeout(() => {
              try {
                  marker.prepare!();
              } catch {
                  // markTaken will try again and log what went wrong.
              }
          }, MARKER_PREPARE_DELAY_MS)
        : undefined;
    prepareTimer?.unref();
    return prepareTimer;
}
