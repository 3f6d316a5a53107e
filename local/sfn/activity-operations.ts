// The activity half of the local Step Functions API (CreateActivity, DescribeActivity,
// ListActivities, GetActivityTask, SendTaskSuccess/Failure/Heartbeat) as AWS JSON 1.0 operation
// handlers over the activity store, which checks each request and answers with AWS's errors.
import { AwsServiceError, OperationHandler } from "../shared/aws-json-server";
import { ActivityStore } from "./activity-store";

/** ListActivities: one page of the activities by ARN; the token is the next page's offset. */
function listActivities(store: ActivityStore, body: any): unknown {
    const all = store.listActivities().sort((a, b) => a.activityArn.localeCompare(b.activityArn));
    const max = body.maxResults === undefined || body.maxResults === 0 ? 100 : Number(body.maxResults);
    if (!Number.isInteger(max) || max < 0 || max > 1000) {
        throw new AwsServiceError(
            "ValidationException",
            "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
        );
    }
    let start = 0;
    if (body.nextToken !== undefined) {
        start = Number.parseInt(String(body.nextToken), 10);
        if (!Number.isInteger(start) || start < 0 || start > all.length)
            throw new AwsServiceError("InvalidToken", "Invalid nextToken");
    }
    const page = all.slice(start, start + max);
    return {
        activities: page.map(a => ({
            activityArn: a.activityArn,
            name: a.name,
            creationDate: a.creationDate.getTime() / 1000,
        })),
        ...(start + max < all.length ? { nextToken: String(start + max) } : {}),
    };
}

/** The activity operations of Step Functions, served from `store`. */
export function createActivityOperations(store: ActivityStore): Record<string, OperationHandler> {
    return {
        CreateActivity: body => {
            const a = store.createActivity(body.name);
            return { activityArn: a.activityArn, creationDate: a.creationDate.getTime() / 1000 };
        },
        DescribeActivity: body => {
            const a = store.describeActivity(body.activityArn);
            return { activityArn: a.activityArn, name: a.name, creationDate: a.creationDate.getTime() / 1000 };
        },
        ListActivities: body => listActivities(store, body),
        GetActivityTask: async (body, ctx) => store.getActivityTask(body.activityArn, body.workerName, ctx.signal),
        SendTaskSuccess: body => {
            store.sendTaskSuccess(body.taskToken, body.output);
            return {};
        },
        SendTaskFailure: body => {
            store.sendTaskFailure(body.taskToken, body.error, body.cause);
            return {};
        },
        SendTaskHeartbeat: body => {
            store.sendTaskHeartbeat(body.taskToken);
            return {};
        },
    };
}
