// Where an execution's time goes, read from outside a `--serve` runtime as a user could: its
// history (GetExecutionHistory), its ECS task (DescribeTasks: created by RunTask, RUNNING, stopped;
// the trigger's output names the task), and what the client saw (when it sent StartExecution and
// when a DescribeExecution poll first saw the end). One machine, one clock.
import { DescribeTasksCommand, ECSClient } from "@aws-sdk/client-ecs";
import { GetExecutionHistoryCommand, HistoryEvent, SFNClient } from "@aws-sdk/client-sfn";
import { median, percentile } from "./orchestration.bench";

/** What the client knows of one execution. */
export interface ClientView {
    executionArn: string;
    /** Date.now() when StartExecution was sent. */
    sentAt: number;
    /** Date.now() when a DescribeExecution first answered a closed status. */
    observedAt: number;
}

/** The parts of an execution, in order: each from one mark to the next (absent marks skip the part). */
export const PARTS: Array<{ name: string; from: string; to: string }> = [
    { name: "StartExecution sent → ExecutionStarted (endpoint)", from: "sent", to: "ExecutionStarted" },
    { name: "→ trigger Lambda scheduled", from: "ExecutionStarted", to: "LambdaFunctionScheduled" },
    // LambdaFunctionStarted is recorded with LambdaFunctionScheduled, as AWS does: the wait for one
    // of the function's local environments (16 at most) and a cold start are inside this part.
    {
        name: "trigger scheduled → its RunTask (a free Lambda environment, cold start, the trigger's code)",
        from: "LambdaFunctionScheduled",
        to: "taskCreated",
    },
    { name: "RunTask → task RUNNING (process spawned)", from: "taskCreated", to: "taskStarted" },
    {
        name: "RUNNING → trigger returns (RunTask's answer reaches the Lambda; it waits for RUNNING only with waitForRunning)",
        from: "taskStarted",
        to: "LambdaFunctionSucceeded",
    },
    {
        name: "trigger returns → worker takes the task (process start)",
        from: "LambdaFunctionSucceeded",
        to: "ActivityStarted",
    },
    { name: "job (1 s) + SendTaskSuccess", from: "ActivityStarted", to: "ActivitySucceeded" },
    { name: "→ ExecutionSucceeded", from: "ActivitySucceeded", to: "ExecutionSucceeded" },
    {
        name: "→ seen by the client (its next ListExecutions, then DescribeExecution)",
        from: "ExecutionSucceeded",
        to: "observed",
    },
];

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
    const events: HistoryEvent[] = [];
    let nextToken: string | undefined;
    do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }));
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
    } while (nextToken);
    return events;
}

/** The ECS task the trigger started, from its LambdaFunctionSucceeded output (`{ executionArn, taskArn }`). */
function taskArnOf(events: HistoryEvent[]): string | undefined {
    const output = events.find(e => e.type === "LambdaFunctionSucceeded")?.lambdaFunctionSucceededEventDetails?.output;
    try {
        return JSON.parse(output ?? "")?.taskArn;
    } catch {
        return undefined;
    }
}

/** Epoch ms of each mark of each execution. */
export async function marksOf(
    sfn: SFNClient,
    ecs: ECSClient,
    cluster: string,
    views: ClientView[],
): Promise<Array<Record<string, number>>> {
    const histories = await Promise.all(views.map(v => history(sfn, v.executionArn)));
    const taskArns = histories.map(taskArnOf);
    const tasks = new Map<string, { createdAt?: Date; startedAt?: Date }>();
    const known = taskArns.filter((t): t is string => t !== undefined);
    for (let i = 0; i < known.length; i += 100) {
        const answer = await ecs.send(new DescribeTasksCommand({ cluster, tasks: known.slice(i, i + 100) }));
        for (const t of answer.tasks ?? []) tasks.set(t.taskArn!, t);
    }
    return views.map((view, i) => {
        const marks: Record<string, number> = { sent: view.sentAt, observed: view.observedAt };
        for (const e of histories[i]) marks[e.type!] ??= e.timestamp!.getTime();
        const task = tasks.get(taskArns[i] ?? "");
        if (task?.createdAt) marks.taskCreated = task.createdAt.getTime();
        if (task?.startedAt) marks.taskStarted = task.startedAt.getTime();
        return marks;
    });
}

/** Each part's median and 90th percentile over every execution, as one line per part. */
export function describeParts(all: Array<Record<string, number>>): string {
    const ms = (x: number) => `${Math.round(x)} ms`;
    return PARTS.map(({ name, from, to }) => {
        const xs = all.filter(m => m[from] !== undefined && m[to] !== undefined).map(m => m[to] - m[from]);
        if (xs.length === 0) return `${name}: n/a`;
        return `${name}: median ${ms(median(xs))}, p90 ${ms(percentile(xs, 90))}, max ${ms(Math.max(...xs))}`;
    }).join("; ");
}
