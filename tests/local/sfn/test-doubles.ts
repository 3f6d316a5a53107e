// Test doubles for the local execution engine: a scripted ActivityScheduler and Lambda invoker, and
// a definition shaped like the product's step block. For tests only (nothing in the runtime uses them).
import type {
    ActivityOutcome,
    ActivityScheduler,
    ActivityTaskObserver,
    ActivityTaskSpec,
    ScheduledActivityTask,
} from "../../../local/sfn/activity-types";
import type { InvokeLambda, InvokeLambdaContext, LambdaResult } from "../../../local/sfn/engine";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";
export const TRIGGER_ARN = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:trigger-ecs-fn`;
export const ACTIVITY_ARN = `arn:aws:states:${REGION}:${ACCOUNT}:activity:run-ecs-task`;

/** One task handed to the fake scheduler; the script settles it. */
export class FakeTask {
    private settled = false;
    private resolve!: (outcome: ActivityOutcome) => void;
    readonly outcome = new Promise<ActivityOutcome>(r => (this.resolve = r));
    readonly taskToken: string;
    cancelReason?: string;
    result?: ActivityOutcome;

    constructor(
        readonly spec: ActivityTaskSpec,
        private readonly observer: ActivityTaskObserver | undefined,
        readonly index: number,
    ) {
        this.taskToken = `token-${index}`;
    }

    get input(): any {
        return JSON.parse(this.spec.input);
    }

    get open(): boolean {
        return !this.settled;
    }

    start(workerName = `worker-${this.index}`): void {
        if (!this.settled) this.observer?.onStarted?.(workerName);
    }

    succeed(output: unknown): void {
        this.settle({ kind: "succeeded", output: JSON.stringify(output) });
    }

    fail(error?: string, cause?: string): void {
        this.settle({ kind: "failed", error, cause });
    }

    timeout(error: "States.Timeout" | "States.HeartbeatTimeout"): void {
        this.settle({ kind: "timedOut", error });
    }

    cancel(reason: string): void {
        if (this.settled) return;
        this.cancelReason = reason;
        this.settle({ kind: "cancelled", reason });
    }

    private settle(outcome: ActivityOutcome): void {
        if (this.settled) return;
        this.settled = true;
        this.result = outcome;
        this.resolve(outcome);
    }
}

/** An ActivityScheduler whose tasks a script drives (called in a microtask after schedule). */
export class FakeScheduler implements ActivityScheduler {
    readonly tasks: FakeTask[] = [];

    constructor(
        private readonly script: (task: FakeTask) => void = task => {
            task.start();
            task.succeed({ result: "ecs done", echo: task.input.echo });
        },
    ) {}

    schedule(spec: ActivityTaskSpec, observer?: ActivityTaskObserver): ScheduledActivityTask {
        const task = new FakeTask(spec, observer, this.tasks.length + 1);
        this.tasks.push(task);
        queueMicrotask(() => this.script(task));
        return { taskToken: task.taskToken, outcome: task.outcome, cancel: reason => task.cancel(reason) };
    }

    get open(): FakeTask[] {
        return this.tasks.filter(t => t.open);
    }
}

export interface LambdaCall {
    functionArn: string;
    payload: any;
    context: InvokeLambdaContext;
}

/** An InvokeLambda that records its calls and answers with `answer` (default: a RunTask-like result). */
export function fakeLambda(
    answer: (call: LambdaCall, index: number) => LambdaResult | Promise<LambdaResult> = () => ({
        ok: true,
        result: { taskArn: "arn:aws:ecs:us-east-1:000000000000:task/local/1" },
    }),
): InvokeLambda & { calls: LambdaCall[] } {
    const calls: LambdaCall[] = [];
    const fn = async (functionArn: string, payload: unknown, context: InvokeLambdaContext) => {
        const call = { functionArn, payload, context };
        calls.push(call);
        return answer(call, calls.length);
    };
    return Object.assign(fn, { calls });
}

export const RETRY_ERRORS = [
    "Worker.Interrupted",
    "Worker.Lost",
    "States.HeartbeatTimeout",
    "Trigger.NoCapacity",
    "Trigger.TaskStopped",
];

/** The product's shape: a single-branch Parallel around trigger (Lambda) → execute (activity). */
export function productDefinition(
    options: { timeoutSeconds?: number; maxAttempts?: number; activityTimeout?: number; heartbeat?: number } = {},
): any {
    return {
        Comment: "a step that runs a container on Fargate",
        StartAt: "step-block",
        TimeoutSeconds: options.timeoutSeconds ?? 3600,
        States: {
            "step-block": {
                Type: "Parallel",
                Branches: [
                    {
                        StartAt: "trigger-ecs",
                        States: {
                            "trigger-ecs": {
                                Type: "Task",
                                Resource: TRIGGER_ARN,
                                ResultPath: "$._execution",
                                TimeoutSeconds: 360,
                                Next: "execute-ecs",
                            },
                            "execute-ecs": {
                                Type: "Task",
                                Resource: ACTIVITY_ARN,
                                TimeoutSeconds: options.activityTimeout ?? 600,
                                HeartbeatSeconds: options.heartbeat ?? 30,
                                End: true,
                            },
                        },
                    },
                ],
                OutputPath: "$[0]",
                Retry: [
                    {
                        ErrorEquals: RETRY_ERRORS,
                        IntervalSeconds: 5,
                        BackoffRate: 2,
                        MaxAttempts: options.maxAttempts ?? 3,
                    },
                ],
                Catch: [{ ErrorEquals: ["States.ALL"], Next: "failed" }],
                Next: "succeeded",
            },
            succeeded: { Type: "Succeed" },
            failed: { Type: "Fail", ErrorPath: "$.Error", CausePath: "$.Cause" },
        },
    };
}

export function types(events: { type?: string }[]): string[] {
    return events.map(e => e.type!);
}

/** Resolves after `ms`; the timer always ends by itself. */
export function delay(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}
