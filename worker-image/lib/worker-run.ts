// What one run of the worker shares between its poll loop, the tasks it takes and its exit.
import type { PendingMarks } from "./pending-marks";
import type { Reporter } from "./send-report";
import type { StopRequest } from "./stop-request";
import type { WorkerOptions } from "./types";
import type { WorkerConnections } from "./worker-start";
import type { WorkerSettings } from "./worker-settings";

export interface WorkerRun extends WorkerConnections {
    options: WorkerOptions;
    settings: WorkerSettings;
    workerName: string;
    stop: StopRequest;
    reporter: Reporter;
    pendingMarks: PendingMarks;
    /** Tasks taken (however they ended). */
    tasks: number;
    /** Tasks whose outcome could not be delivered. */
    unreported: number;
    /** A task was handed back as Worker.Interrupted. */
    interrupted: boolean;
}
