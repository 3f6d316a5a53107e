// The endpoint's tasks, oldest first: each one's current record, the state changes applied to it,
// and who hears of them (task state change subscribers, and callers waiting for a status).
// Stopped tasks are kept for DescribeTasks up to a limit (ECS keeps them about an hour).
import { taskIdOf } from "./arns";
import { LaunchedContainer } from "./container-launcher";
import type { TaskTimingPlan } from "./timing-model";
import { TaskEvent, TaskStateChangeEvent, nextTaskState, toTaskStateChangeEvent } from "./task-record";
import { EcsWorld, TaskRecord, TaskStatus } from "./types";

/** A task's record and what its life needs: its container and the SIGKILL due after a stop. */
export interface TaskEntry {
    record: TaskRecord;
    stopTimeoutMs: number;
    container?: LaunchedContainer;
    killTimer?: NodeJS.Timeout;
    /** The timing model's plan for this task, when the model is on. */
    timing?: TaskTimingPlan;
    /** The Spot interruption due, when the model drew one. */
    spotTimer?: NodeJS.Timeout;
    /** Test hook: stop the task, with this reason, when its container first reads its metadata. */
    stopAtMetadataRead?: string;
    /** Settles when the task's life is over. */
    done: Promise<void>;
}

type Waiter = { id: string; status: TaskStatus; resolve(task: TaskRecord): void };

export class TaskTable {
    private readonly entries = new Map<string, TaskEntry>();
    private readonly listeners = new Set<(event: TaskStateChangeEvent) => void>();
    private readonly waiters = new Set<Waiter>();

    constructor(
        private readonly world: Pick<EcsWorld, "region" | "account">,
        private readonly retainStoppedTasks: number,
    ) {}

    /** Adds a new task and announces its first state. */
    add(entry: TaskEntry): void {
        this.entries.set(entry.record.taskId, entry);
        this.publish(entry.record, entry.record.createdAt);
    }

    byId(taskId: string): TaskEntry | undefined {
        return this.entries.get(taskId);
    }

    /** By task ARN or bare id; an ARN is not checked beyond its id. */
    byReference(taskArnOrId: string): TaskEntry | undefined {
        return this.entries.get(taskIdOf(taskArnOrId));
    }

    all(): TaskEntry[] {
        return [...this.entries.values()];
    }

    /** Moves a task on by `event` and announces the new state; nothing when the event does not apply. */
    apply(taskId: string, event: TaskEvent): void {
        const entry = this.entries.get(taskId);
        if (!entry) return;
        const now = Date.now();
        const next = nextTaskState(entry.record, event, now);
        if (!next) return;
        entry.record = next;
        this.publish(next, now);
    }

    /**
     * Ends a RUNNING task as if its container had exited 0, telling waiters but publishing no task
     * state change event: for --external-workers placeholders, which exist only on this machine
     * (no EventBridge rule, such as the healer's, hears of them). False when it is not RUNNING.
     */
    retire(taskId: string): boolean {
        const entry = this.entries.get(taskId);
        const next = entry && nextTaskState(entry.record, { type: "exited", exitCode: 0 }, Date.now());
        if (!entry || !next || entry.record.lastStatus !== "RUNNING") return false;
        entry.record = next;
        this.resolveWaiters(next);
        return true;
    }

    private publish(record: TaskRecord, now: number): void {
        const event = toTaskStateChangeEvent(this.world, record, now);
        for (const listener of this.listeners) {
            try {
                listener(event);
            } catch (err: any) {
                process.stderr.write(`ecs endpoint: a task state change listener threw: ${err?.stack ?? err}\n`);
            }
        }
        this.resolveWaiters(record);
    }

    private resolveWaiters(record: TaskRecord): void {
        for (const waiter of this.waiters) {
            if (
                waiter.id === record.taskId &&
                (record.lastStatus === waiter.status || record.lastStatus === "STOPPED")
            ) {
                this.waiters.delete(waiter);
                waiter.resolve(record);
            }
        }
    }

    /** Forgets the oldest stopped tasks beyond the retention limit. */
    pruneStopped(): void {
        const stopped = this.all().filter(e => e.record.lastStatus === "STOPPED");
        for (const entry of stopped.slice(0, Math.max(0, stopped.length - this.retainStoppedTasks)))
            this.entries.delete(entry.record.taskId);
    }

    /** Subscribes to every task state change; returns the unsubscribe function. */
    onTaskStateChange(listener: (event: TaskStateChangeEvent) => void): () => void {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }

    /** Resolves when the task reaches `status` (or STOPPED, which ends every wait); rejects after `timeoutMs`. */
    waitForTaskStatus(ref: string, status: TaskStatus, timeoutMs: number): Promise<TaskRecord> {
        const id = taskIdOf(ref);
        const current = this.entries.get(id)?.record;
        if (!current) return Promise.reject(new Error(`no task ${ref}`));
        if (current.lastStatus === status || current.lastStatus === "STOPPED") return Promise.resolve(current);
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => {
                this.waiters.delete(waiter);
                reject(
                    new Error(
                        `task ${id} did not reach ${status} within ${timeoutMs} ms (it is ${this.entries.get(id)?.record.lastStatus})`,
                    ),
                );
            }, timeoutMs);
            const waiter: Waiter = {
                id,
                status,
                resolve: task => {
                    clearTimeout(timer);
                    resolve(task);
                },
            };
            this.waiters.add(waiter);
        });
    }
}
