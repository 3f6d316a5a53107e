// The local ECS endpoint: AWS JSON 1.1 on 127.0.0.1 for the real @aws-sdk/client-ecs (through
// AWS_ENDPOINT_URL_ECS). RunTask checks the request against the declared clusters and task
// definitions and starts each task's container as a local process; DescribeTasks, StopTask and
// ListTasks follow the task's life. Every state change is also published as an EventBridge
// "ECS Task State Change" event. This file wires the parts together: the task table
// (task-table.ts), each task's life (task-lifecycle.ts), the wire operations (operations.ts) and
// the failures tests inject (test-hooks.ts).
import { startAwsJsonServer } from "../shared/aws-json-server";
import { LOCAL_ACCOUNT } from "../shared/account";
import { BundleForImage, ContainerLauncher, externalWorkersLauncher, nodeProcessLauncher } from "./container-launcher";
import { FargateTiming, FargateTimingOptions, TaskTimingPlan, imageBytesFor } from "./timing-model";
import { startMetadataServer } from "./metadata-server";
import { createEcsOperations } from "./operations";
import { TaskStateChangeEvent } from "./task-record";
import { ContainerOutputLine, TaskLifecycle } from "./task-lifecycle";
import { TaskTable } from "./task-table";
import { EcsTestHooks, createTestHooks, noInjectedFailures } from "./test-hooks";
import { DeclaredCluster, DeclaredTaskDefinition, EcsWorld, TaskRecord, TaskStatus } from "./types";

export type { DeclaredCluster, DeclaredTaskDefinition, TaskRecord, TaskStatus } from "./types";
export type { TaskStateChangeEvent } from "./task-record";
export type { ContainerLauncher } from "./container-launcher";
export type { FargateTimingOptions, TaskTimingPlan } from "./timing-model";
export { imageBytesFor, medianPlan } from "./timing-model";
export type { ContainerOutputLine } from "./task-lifecycle";
export type { CallCount, CallFailure, EcsTestHooks } from "./test-hooks";
export { nodeProcessLauncher, externalWorkersLauncher } from "./container-launcher";
export { CAPACITY_UNAVAILABLE, DEFAULT_START_FAILURE } from "./test-hooks";

export interface EcsEndpointOptions {
    clusters: DeclaredCluster[];
    taskDefinitions: DeclaredTaskDefinition[];
    /** Default us-east-1. */
    region?: string;
    /** Default 000000000000 (the mocks' account). */
    account?: string;
    /** Handed to containers as AWS_ENDPOINT_URL_SFN. */
    stepFunctionsEndpoint?: string;
    /**
     * The default launcher runs `node <bundle>`: the bundle built for the task's image, or this one
     * script for every image.
     */
    workerBundlePath?: string | BundleForImage;
    /** --external-workers: tasks are RUNNING at once and no process starts. */
    externalWorkers?: boolean;
    /** Replaces the two above. */
    launcher?: ContainerLauncher;
    /** Where container output goes; default: standard error, each line prefixed with the short task id. */
    output?: (line: ContainerOutputLine) => void;
    /** Upper bound on a container's stopTimeout (SIGTERM → SIGKILL), for tests. Default: none. */
    maxStopTimeoutMs?: number;
    /** Added to every container's environment; default `{ PATH }` of this process. */
    extraEnvironment?: Record<string, string>;
    /** Time spent in PROVISIONING before PENDING (ENI attachment on Fargate). Default 0. */
    provisioningDelayMs?: number;
    /** The Fargate timing model (`--fargate-timing realistic`); replaces provisioningDelayMs. Default: off. */
    fargateTiming?: FargateTimingOptions;
    /** The size in bytes of an image's own layer (locally: its worker bundle), for the model's pull. */
    imageLayerBytes?: (image: string) => number | undefined;
    /** Port for the ECS endpoint; 0 or absent = a free port. */
    port?: number;
    /** Stopped tasks kept for DescribeTasks (ECS keeps them about an hour). Default 1000. */
    retainStoppedTasks?: number;
}

export interface EcsEndpoint {
    /** AWS_ENDPOINT_URL_ECS. */
    readonly url: string;
    readonly port: number;
    readonly region: string;
    /** Subscribes to every task state change; returns the unsubscribe function. */
    onTaskStateChange(listener: (event: TaskStateChangeEvent) => void): () => void;
    /** Snapshots of every task known (running and retained stopped ones), oldest first. */
    tasks(): TaskRecord[];
    task(taskArnOrId: string): TaskRecord | undefined;
    /** The timing model's plan for a task, in model seconds; undefined without the model. */
    taskTiming(taskArnOrId: string): TaskTimingPlan | undefined;
    /** The timing model's time scale (real seconds per model second); 1 without the model. */
    readonly timeScale: number;
    /** Bytes a task of this image pulls: the base image's (from the model's data) plus its own layer. */
    imageBytes(image: string): number;
    /** Resolves when the task reaches `status` (or STOPPED, which ends every wait); rejects after `timeoutMs`. */
    waitForTaskStatus(taskArnOrId: string, status: TaskStatus, timeoutMs?: number): Promise<TaskRecord>;
    /**
     * --external-workers: ends a placeholder task (STOPPED, exit code 0) with no task state change
     * event, once nothing needs it. False when the task is not a running placeholder.
     */
    retirePlaceholder(taskArnOrId: string): boolean;
    readonly testHooks: EcsTestHooks;
    /** Ends every container it started (SIGTERM, then SIGKILL) and both servers. */
    close(): Promise<void>;
}

function launcherOf(options: EcsEndpointOptions): ContainerLauncher {
    const launcher =
        options.launcher ??
        (options.externalWorkers
            ? externalWorkersLauncher()
            : options.workerBundlePath
              ? nodeProcessLauncher(options.workerBundlePath)
              : undefined);
    if (!launcher) throw new Error("startEcsEndpoint: give workerBundlePath, externalWorkers or a launcher");
    return launcher;
}

function stderrOutput({ taskId, line }: ContainerOutputLine): void {
    process.stderr.write(`[${taskId.slice(0, 8)}] ${line}\n`);
}

export async function startEcsEndpoint(options: EcsEndpointOptions): Promise<EcsEndpoint> {
    const world: EcsWorld = {
        region: options.region ?? "us-east-1",
        account: options.account ?? LOCAL_ACCOUNT,
        clusters: options.clusters,
        taskDefinitions: options.taskDefinitions,
    };
    const launcher = launcherOf(options);
    const tasks = new TaskTable(world, options.retainStoppedTasks ?? 1000);
    const failures = noInjectedFailures();
    const timing = options.fargateTiming ? new FargateTiming(options.fargateTiming) : undefined;
    // The life cycle answers the test hook that stops a task at its first metadata read.
    let lifecycle: TaskLifecycle | undefined;
    const metadata = await startMetadataServer(
        id => tasks.byId(id)?.record,
        id => lifecycle?.beforeMetadataAnswer(id),
    );
    lifecycle = new TaskLifecycle({
        world,
        tasks,
        launcher,
        output: options.output ?? stderrOutput,
        metadata,
        failures,
        stepFunctionsEndpoint: options.stepFunctionsEndpoint,
        extraEnvironment: options.extraEnvironment,
        provisioningDelayMs: options.provisioningDelayMs,
        maxStopTimeoutMs: options.maxStopTimeoutMs,
        timing,
        imageLayerBytes: options.imageLayerBytes,
    });
    const server = await startAwsJsonServer(
        {
            protocol: "1.1",
            targetPrefix: "AmazonEC2ContainerServiceV20141113",
            operations: failures.calls.wrap(createEcsOperations({ world, tasks, lifecycle, failures })),
        },
        { port: options.port },
    ).catch(async err => {
        await metadata.close();
        throw err;
    });
    lifecycle.ecsEndpointUrl = server.url;

    return {
        url: server.url,
        port: server.port,
        region: world.region,
        onTaskStateChange: listener => tasks.onTaskStateChange(listener),
        tasks: () => tasks.all().map(e => e.record),
        task: ref => tasks.byReference(ref)?.record,
        taskTiming: ref => tasks.byReference(ref)?.timing,
        timeScale: timing?.timeScale ?? 1,
        imageBytes: image => imageBytesFor(options.imageLayerBytes?.(image) ?? 0),
        waitForTaskStatus: (ref, status, timeoutMs = 10_000) => tasks.waitForTaskStatus(ref, status, timeoutMs),
        retirePlaceholder(ref) {
            const entry = tasks.byReference(ref);
            if (!options.externalWorkers || !entry || !tasks.retire(entry.record.taskId)) return false;
            entry.container?.signal("SIGTERM"); // ends its life; the exit finds the task STOPPED already
            return true;
        },
        testHooks: createTestHooks(failures, tasks),
        async close() {
            if (lifecycle.isClosed) return;
            await lifecycle.close();
            await Promise.all([server.close(), metadata.close()]);
        },
    };
}
