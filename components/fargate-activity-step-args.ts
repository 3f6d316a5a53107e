// What a FargateActivityStep takes: its arguments, the values some of them may have, and the
// defaults, shared with the stack configuration (stack-settings.ts).
import * as pulumi from "@pulumi/pulumi";
import { Capacity } from "../functions/trigger";
import type { FargateActivityCluster } from "./fargate-activity-cluster";
import { StepRetryArgs } from "./step-block";

export type Architecture = "X86_64" | "ARM64";
export const ARCHITECTURES: readonly Architecture[] = ["X86_64", "ARM64"];
export const CAPACITIES: readonly Capacity[] = ["FARGATE", "FARGATE_SPOT"];

/** The retention periods CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The defaults of the arguments the stack configuration also sets. */
export const FARGATE_ACTIVITY_STEP_DEFAULTS = {
    cpu: 256,
    memory: 512,
    architecture: "X86_64",
    capacity: "FARGATE",
    logRetentionDays: 30,
    jobDurationMs: 10000,
    scheduleTimeAlarmThresholdSeconds: 600,
} as const satisfies Record<string, number | Architecture | Capacity>;

export interface FargateActivityStepArgs {
    /** Activity name. Default `<project>-<stack>-<component name>` (unique per stack: activities are global per account and region by name). 1–80 characters. */
    activityName?: pulumi.Input<string>;
    /** Fargate CPU units. Default 256. */
    cpu?: pulumi.Input<number>;
    /** Fargate memory in MiB; must fit `cpu` (see the Fargate size table). Default 512. */
    memory?: pulumi.Input<number>;
    /** CPU architecture of the task and the built image. Default `X86_64`. */
    architecture?: pulumi.Input<Architecture>;
    /** `FARGATE` (default) or `FARGATE_SPOT` (interruptible, cheaper; a cluster you pass must have the FARGATE_SPOT capacity provider associated). */
    capacity?: pulumi.Input<Capacity>;
    /** execute state's TimeoutSeconds: from the worker taking the task to its result. Default 3600. A plain number: it shapes the definition. */
    timeoutSeconds?: number;
    /** execute state's HeartbeatSeconds, below timeoutSeconds; passed to the worker as HEARTBEAT_SECONDS. Default 60. */
    heartbeatSeconds?: number;
    /**
     * The trigger waits until the task is RUNNING and fails with Trigger.TaskStopped (ECS's reason)
     * when it stops first. Default false: the trigger returns right after RunTask, the activity task
     * is scheduled at once and the worker takes it on its first poll, and a container that cannot
     * start is failed by the healer on its stop (Worker.Lost, with ECS's reason). Waiting adds up to a
     * check interval (6–9 s) after RUNNING and costs Lambda time while the container starts
     * (typically 30–90 s at 128 MB, about $0.0001 per start). Default true when waitForRunningSeconds is given.
     */
    waitForRunning?: boolean;
    /** Longest wait for RUNNING, with waitForRunning; a task not RUNNING by then is stopped. Default 300. */
    waitForRunningSeconds?: number;
    /** The trigger Lambda's timeout (its state waits 15 s longer). Default waitForRunningSeconds + 60, or 60 without the wait. */
    triggerTimeoutSeconds?: number;
    /** The block's Retry (see RETRYABLE_STEP_ERRORS); false for none. Default 3 retries from 10 s, doubling, full jitter. */
    retry?: StepRetryArgs | false;
    /** JOB_DURATION_MS for the example job (ignored by your own job). Default 10000. */
    jobDurationMs?: pulumi.Input<number>;
    /** More environment variables for the worker container. */
    environment?: Record<string, pulumi.Input<string>>;
    /**
     * Secrets ECS puts into the container's environment, by variable name: the ARN of a Secrets
     * Manager secret (optionally with ECS's `:json-key::` suffix) or of an SSM parameter. The
     * execution role may read exactly these (secrets encrypted with your own KMS key also need
     * kms:Decrypt, which you grant on the key).
     */
    secrets?: Record<string, pulumi.Input<string>>;
    /**
     * Heal executions whose container stopped after RUNNING but before it took its task: a Lambda on
     * this step's ECS task-stopped events fails one pending task with Worker.Lost, and the block
     * retries. The state machine using the step must grant it its history (StepStateMachine does).
     * Default true.
     */
    healLostWorkers?: boolean;
    /** An alarm when an activity task waited longer than this for a worker (AWS/States ActivityScheduleTime). Default: no alarm. */
    scheduleTimeAlarm?: { thresholdSeconds?: number; topicArn?: pulumi.Input<string> };
    /** Retention of the container's and the trigger's logs, in days. Default 30. */
    logRetentionDays?: pulumi.Input<number>;
    /**
     * The shared network, ECS cluster and image repository this step runs in and builds into. Then
     * `subnetIds`, `securityGroupIds`, `assignPublicIp` and `clusterArn` are the cluster's and may
     * not be given here. Default: the step creates its own.
     */
    cluster?: FargateActivityCluster;
    /**
     * The worker's entry file (TypeScript or JavaScript), bundled on the deploying machine with its
     * imports into one script and built into a runtime-only image (one image per distinct entry and
     * architecture). A relative path is resolved against the Pulumi project directory (the working
     * directory of `pulumi up`). Default: this repository's example worker, which an installed copy
     * of the library does not ship (give `worker`, `image` or `imageBuild` there).
     */
    worker?: string;
    /** A ready image URI, used as is (before `imageBuild` and `worker`). */
    image?: pulumi.Input<string>;
    /** With `image` from a private ECR repository: its ARN, so the execution role may pull from it. */
    imageRepositoryArn?: pulumi.Input<string>;
    /**
     * Your own Docker build of the worker image, built as is (before `worker`): `context` (default
     * the project directory) and `dockerfile` (default `<context>/Dockerfile`), relative paths
     * resolved against the project directory.
     */
    imageBuild?: { context?: string; dockerfile?: string };
    /** Your own subnets; then no network is created and `assignPublicIp` is required. Default: a new VPC with public subnets in two zones. Not with `cluster`. */
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups for the tasks (with `subnetIds`). Default with the created network: one that allows HTTPS egress only. Not with `cluster`. */
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give tasks a public IP: needed in public subnets without NAT to reach AWS. Required with `subnetIds`; true for the created network. Not with `cluster`. */
    assignPublicIp?: boolean;
    /** An existing ECS cluster ARN. Default: a new cluster with the FARGATE and FARGATE_SPOT capacity providers. Not with `cluster`. */
    clusterArn?: pulumi.Input<string>;
}
