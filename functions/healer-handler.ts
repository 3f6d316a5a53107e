// The healer Lambda's entry point (see trigger-handler.ts for why it is shaped like this). The SDK
// clients come from the Lambda Node.js runtime, which provides SDK v3 (ECS, Step Functions and
// DynamoDB among them), so the archive holds only this code.
import { dynamoDbClaimRecords } from "./claim-table";
import {
    HealerApis,
    HealerConfig,
    HealOutcome,
    healStoppedTask,
    readHealerConfig,
    TaskStateChangeEvent,
} from "./healer";

function sdkApis(config: HealerConfig): HealerApis {
    const { ECSClient, DescribeTasksCommand } = require("@aws-sdk/client-ecs");
    const {
        SFNClient,
        GetExecutionHistoryCommand,
        GetActivityTaskCommand,
        SendTaskFailureCommand,
    } = require("@aws-sdk/client-sfn");
    const { DynamoDBClient, UpdateItemCommand } = require("@aws-sdk/client-dynamodb");
    const ecs = new ECSClient({});
    // GetActivityTask holds up to 60 s: AWS asks for a socket timeout of at least 65 s.
    const sfn = new SFNClient({ requestHandler: { requestTimeout: 70_000, connectionTimeout: 5_000 } });
    const dynamodb = new DynamoDBClient({});
    return {
        describeTask: async (cluster, task) =>
            (await ecs.send(new DescribeTasksCommand({ cluster, tasks: [task], include: ["TAGS"] }))).tasks?.[0],
        getExecutionHistory: async (executionArn, nextToken) => {
            const page = await sfn.send(
                new GetExecutionHistoryCommand({ executionArn, nextToken, reverseOrder: true, maxResults: 200 }),
            );
            return { events: page.events ?? [], nextToken: page.nextToken };
        },
        getActivityTask: (activityArn, workerName) => sfn.send(new GetActivityTaskCommand({ activityArn, workerName })),
        sendTaskFailure: async (taskToken, error, cause) =>
            void (await sfn.send(new SendTaskFailureCommand({ taskToken, error, cause }))),
        claims: dynamoDbClaimRecords(input => dynamodb.send(new UpdateItemCommand(input)), config.claimsTable),
    };
}

/** How long before its timeout the healer stops waiting for another invocation's claim. */
const DEADLINE_MARGIN_MS = 20_000;

export async function healerHandler(
    event: unknown,
    context?: { getRemainingTimeInMillis?(): number },
): Promise<HealOutcome> {
    const config = readHealerConfig(process.env);
    const g = globalThis as { __healerApis?: HealerApis };
    g.__healerApis ??= sdkApis(config);
    const remaining = context?.getRemainingTimeInMillis?.();
    const outcome = await healStoppedTask(g.__healerApis, config, event as TaskStateChangeEvent, {
        deadline: remaining === undefined ? undefined : Date.now() + remaining - DEADLINE_MARGIN_MS,
    });
    console.log(JSON.stringify({ event: "heal", ...outcome }));
    return outcome;
}
