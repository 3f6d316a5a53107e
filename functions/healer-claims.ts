// The heal itself, once the healer knows a lost container left a task waiting: claim the right to
// heal that container in a durable record, then claim one pending task of the activity and fail it
// with Worker.Lost. ECS sends its events at least once and EventBridge may run two copies at the
// same moment in two Lambda environments, or a copy minutes later
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_cwet_handling.html): the
// record, written with a condition, lets one invocation heal a stopped container once, ever.
//
// The record is a lease: taken when there is none, or when its holder's lease ran out without it
// finishing (a Lambda invocation that died mid-way; Lambda runs a failed asynchronous invocation
// again, a minute and then two minutes later, and may also deliver an event twice by itself:
// https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html). The lease
// outlasts the healer's timeout, so no live invocation ever loses it. The task token a holder
// claimed is recorded before it is failed, so whoever takes over fails that one instead of another.
import { namedError } from "./errors";
import { HEALER_WORKER_PREFIX, taskIdOf } from "./healer-slots";

/** Longer than the healer Lambda's timeout (120 s): a lease never runs out under a live invocation. */
export const CLAIM_LEASE_SECONDS = 150;
/** How long a record stays (DynamoDB deletes it after its TTL): duplicates come within minutes. */
export const CLAIM_RETENTION_SECONDS = 7 * 24 * 3600;
/** Pending tasks claimed at most, when a claimed one's execution ended before it could be failed. */
export const MAX_TASK_CLAIMS = 3;

export interface Claim {
    /** This invocation's own id: only the holder may change the record. */
    claimId: string;
    /** The event's `detail.version` (kept for people; the task alone is the key). */
    detailVersion?: number;
    nowSeconds: number;
}

export type Acquired = { acquired: true; previousToken?: string } | { acquired: false; state?: string };

/** The durable records of heals, one per stopped ECS task (functions/claim-table.ts: DynamoDB). */
export interface ClaimRecords {
    acquire(taskArn: string, claim: Claim): Promise<Acquired>;
    /** The claimed task token, or none (it was closed and another will be claimed). */
    recordToken(taskArn: string, claimId: string, taskToken: string | undefined): Promise<void>;
    finish(taskArn: string, claimId: string, outcome: string): Promise<void>;
    /** Ends the lease at once, so a retry of this invocation can take over without waiting. */
    release(taskArn: string, claimId: string): Promise<void>;
}

export interface ClaimApis {
    claims: ClaimRecords;
    getActivityTask(activityArn: string, workerName: string): Promise<{ taskToken?: string; input?: string }>;
    sendTaskFailure(taskToken: string, error: string, cause: string): Promise<void>;
}

export type HealOutcome =
    | { action: "ignored"; reason: string }
    | { action: "failed-task"; claimedFor?: string; taskArn: string; evidence?: HealEvidence }
    | { action: "nothing-pending"; taskArn: string; evidence?: HealEvidence };

/** What the heal rested on, for its log line: whose task waited, and when the healer saw it waiting. */
export interface HealEvidence {
    waitingExecution: string;
    /** ISO time just before the read that showed the task waiting. */
    checkedAt: string;
    note?: string;
}

export interface LostContainer {
    taskArn: string;
    /** Worker.Lost's cause. */
    cause: string;
    evidence?: HealEvidence;
}

/** Whether Step Functions says the token's task is closed (its execution ended, or it was answered). */
function isClosedTask(error: unknown): boolean {
    return ["TaskTimedOut", "TaskDoesNotExist"].includes((error as { name?: string })?.name ?? "");
}

/** Fails the task with Worker.Lost; false when it had closed meanwhile. */
async function failTask(apis: ClaimApis, taskToken: string, cause: string): Promise<boolean> {
    try {
        await apis.sendTaskFailure(taskToken, "Worker.Lost", cause.slice(0, 32768));
        return true;
    } catch (error) {
        if (isClosedTask(error)) return false;
        throw error;
    }
}

function executionOfInput(input: string | undefined): string | undefined {
    try {
        return JSON.parse(input ?? "{}")?._execution?.executionArn;
    } catch {
        return undefined;
    }
}

/** Claims pending tasks until one is failed (or none is pending); the record holds each token first. */
async function claimAndFail(
    apis: ClaimApis,
    activityArn: string,
    lost: LostContainer,
    claimId: string,
): Promise<HealOutcome> {
    for (let claims = 0; claims < MAX_TASK_CLAIMS; claims++) {
        const claimed = await apis.getActivityTask(activityArn, `${HEALER_WORKER_PREFIX}${taskIdOf(lost.taskArn)}`);
        if (!claimed.taskToken) {
            await apis.claims.finish(lost.taskArn, claimId, "nothing-pending");
            return { action: "nothing-pending", taskArn: lost.taskArn, evidence: lost.evidence };
        }
        await apis.claims.recordToken(lost.taskArn, claimId, claimed.taskToken);
        if (await failTask(apis, claimed.taskToken, lost.cause)) {
            await apis.claims.finish(lost.taskArn, claimId, "failed-task");
            return {
                action: "failed-task",
                claimedFor: executionOfInput(claimed.input),
                taskArn: lost.taskArn,
                evidence: lost.evidence,
            };
        }
        await apis.claims.recordToken(lost.taskArn, claimId, undefined);
    }
    await apis.claims.finish(lost.taskArn, claimId, "claimed-tasks-closed");
    return { action: "nothing-pending", taskArn: lost.taskArn, evidence: lost.evidence };
}

/** Waiting for another invocation's claim to end: how long between looks, and until when. */
export interface ClaimWait {
    now(): number;
    sleep(ms: number): Promise<void>;
    /** Epoch ms after which this invocation stops waiting (before its own timeout). */
    deadline: number;
}

/**
 * Takes the container's record. While another invocation holds it, waits for it to finish (a copy
 * of the event arriving at the same moment: usually a second) or for its lease to run out (its
 * holder died). Still held at the deadline: Healer.ClaimHeld, an error, so that Lambda runs this
 * event again later (minutes), by when the holder has finished or its lease has run out; returning
 * would end the event's retries, and a holder that died before claiming a task would heal nothing.
 */
async function acquireRecord(
    apis: ClaimApis,
    taskArn: string,
    claim: Claim,
    wait: ClaimWait,
): Promise<Acquired & { state?: string }> {
    for (let looks = 0; ; looks++) {
        const acquired = await apis.claims.acquire(taskArn, { ...claim, nowSeconds: Math.floor(wait.now() / 1000) });
        if (acquired.acquired || acquired.state !== "claimed") return acquired;
        const delay = Math.min(250 * 2 ** looks, 10_000);
        if (wait.now() + delay > wait.deadline)
            throw namedError(
                "Healer.ClaimHeld",
                `another invocation still holds the claim on ${taskArn}: Lambda's retry of this event takes it over once its lease runs out`,
            );
        await wait.sleep(delay);
    }
}

/** Heals the lost container once: takes its record, then fails one pending task (or the one a dead holder claimed). */
export async function healOnce(
    apis: ClaimApis,
    activityArn: string,
    lost: LostContainer,
    claim: Claim,
    wait: ClaimWait,
): Promise<HealOutcome> {
    const acquired = await acquireRecord(apis, lost.taskArn, claim, wait);
    if (!acquired.acquired)
        return {
            action: "ignored",
            reason: `another invocation healed this container (its record is ${acquired.state ?? "unknown"})`,
        };
    try {
        if (acquired.previousToken) {
            // A holder that died claimed this task: fail it, or find it closed (the heal happened).
            const failed = await failTask(apis, acquired.previousToken, lost.cause);
            await apis.claims.finish(lost.taskArn, claim.claimId, failed ? "failed-task" : "previous-claim-closed");
            return failed
                ? { action: "failed-task", taskArn: lost.taskArn, evidence: lost.evidence }
                : { action: "ignored", reason: "a previous invocation's claimed task is closed: the heal happened" };
        }
        return await claimAndFail(apis, activityArn, lost, claim.claimId);
    } catch (error) {
        await apis.claims.release(lost.taskArn, claim.claimId).catch(() => undefined);
        throw error;
    }
}
