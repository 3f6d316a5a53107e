// The healer Lambda's entry point (see trigger-handler.ts for why it is shaped like this).
import { HealerApis, HealOutcome, healStoppedTask, readHealerConfig, TaskStateChangeEvent } from "./healer";

export async function healerHandler(event: unknown): Promise<HealOutcome> {
    const g = globalThis as { __healerApis?: HealerApis };
    if (!g.__healerApis) {
        const { ECSClient, DescribeTasksCommand } = require("@aws-sdk/client-ecs");
        const {
            SFNClient,
            GetExecutionHistoryCommand,
            GetActivityTaskCommand,
            SendTaskFailureCommand,
        } = require("@aws-sdk/client-sfn");
        const ecs = new ECSClient({});
        // GetActivityTask holds up to 60 s: AWS asks for a socket timeout of at least 65 s.
        const sfn = new SFNClient({ requestHandler: { requestTimeout: 70_000, connectionTimeout: 5_000 } });
        g.__healerApis = {
            describeTask: async (cluster, task) =>
                (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task], include: ["TAGS"] }))).tasks?.[0],
            getExecutionHistory: async (executionArn, nextToken) => {
                const page = await sfn.send(
                    new GetExecutionHistoryCommand({ executionArn, nextToken, reverseOrder: true, maxResults: 200 }),
                );
                return { events: page.events ?? [], nextToken: page.nextToken };
            },
            getActivityTask: (activityArn, workerName) =>
                sfn.send(new GetActivityTaskCommand({ activityArn, workerName })),
            sendTaskFailure: async (taskToken, error, cause) =>
                void (await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }))),
        };
    }
    const outcome = await healStoppedTask(g.__healerApis, readHealerConfig(process.env), event as TaskStateChangeEvent);
    console.log(JSON.stringify({ event: "heal", ...outcome }));
    return outcome;
}
