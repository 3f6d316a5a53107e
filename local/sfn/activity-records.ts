// What the local activity store (./activity-store.ts) keeps: its limits, the activities with
// their queues of tasks and waiting polls, each task's record, and the task tokens it hands out.
import * as crypto from "crypto";
import type { ActivityOutcome, ActivityTaskObserver, ActivityTaskSpec } from "./activity-types";

/** AWS limits (https://docs.aws.amazon.com/step-functions/latest/dg/service-quotas.html). */
export const ACTIVITY_LIMITS = {
    maxOutputBytes: 262_144,
    maxErrorChars: 256,
    maxCauseChars: 32_768,
    maxTokenChars: 2048,
    maxWorkerNameChars: 80,
    /** TimeoutSeconds / HeartbeatSeconds when a state sets none. */
    defaultClockSeconds: 99_999_999,
    maxPollSeconds: 60,
} as const;

export interface ActivityDescription {
    activityArn: string;
    name: string;
    creationDate: Date;
}

export interface GetActivityTaskResult {
    taskToken?: string;
    input?: string;
}

export type TaskStatus = "scheduled" | "started" | "closed";

/** A read-only view of one task, for tests and the execution engine's history. */
export interface ActivityTaskInfo {
    taskToken: string;
    activityArn: string;
    executionArn?: string;
    status: TaskStatus;
    workerName?: string;
    scheduledAt: number;
    startedAt?: number;
    closedAt?: number;
    heartbeats: number;
    outcome?: ActivityOutcome;
}

export interface TaskRecord extends ActivityTaskInfo {
    spec: ActivityTaskSpec;
    observer?: ActivityTaskObserver;
    cancelTimeout?: () => void;
    cancelHeartbeat?: () => void;
    resolve(outcome: ActivityOutcome): void;
}

/** A GetActivityTask request waiting for a task. */
export interface Poller {
    workerName?: string;
    signal?: AbortSignal;
    deliver(task: TaskRecord): void;
    /** Answers the poll empty. */
    cancel(): void;
}

export interface ActivityRecord extends ActivityDescription {
    queue: TaskRecord[];
    pollers: Poller[];
}

const TOKEN_PREFIX = "AAAA";
const TOKEN_PATTERN = /^AAAA[A-Za-z0-9_-]{128}$/;

export function newTaskToken(): string {
    return TOKEN_PREFIX + crypto.randomBytes(96).toString("base64url");
}

/** Whether a token has the shape of those newTaskToken makes. */
export function isTaskTokenShape(taskToken: string): boolean {
    return TOKEN_PATTERN.test(taskToken);
}

export function activityDescription(record: ActivityRecord): ActivityDescription {
    return { activityArn: record.activityArn, name: record.name, creationDate: record.creationDate };
}

/** The read-only view of a task record. */
export function taskInfo(record: TaskRecord): ActivityTaskInfo {
    const {
        taskToken,
        activityArn,
        executionArn,
        status,
        workerName,
        scheduledAt,
        startedAt,
        closedAt,
        heartbeats,
        outcome,
    } = record;
    return {
        taskToken,
        activityArn,
        executionArn,
        status,
        workerName,
        scheduledAt,
        startedAt,
        closedAt,
        heartbeats,
        outcome,
    };
}
