// The local Step Functions endpoint: AWS JSON 1.0 on 127.0.0.1, so the real @aws-sdk/client-sfn (via
// AWS_ENDPOINT_URL_SFN) or the AWS CLI (--endpoint-url) can drive the activity store. The local
// execution engine adds its operations (StartExecution, DescribeExecution, ...) through
// `extraOperations`. For tests: a request log and fault injection.
import { EventEmitter } from "events";
import { AwsServiceError, OperationHandler, RunningServer, startAwsJsonServer } from "../shared/aws-json-server";
import { ActivityStore } from "./activity-store";

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
        ListActivities: body => {
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
        },
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

/** One request as the endpoint saw it. */
export interface RecordedRequest {
    /** 1, 2, 3... in order of arrival. */
    seq: number;
    operation: string;
    /** Date.now() when the request reached its operation. */
    time: number;
    body: any;
    /** Set when the operation answered (or the client left). */
    finishedAt?: number;
    /** HTTP status sent, 200 or the error's. */
    status?: number;
    /** The AWS error name when it failed. */
    errorCode?: string;
    /** The answer's body when it succeeded. */
    response?: unknown;
    /** True when the client had gone before the answer was ready. */
    clientGone?: boolean;
    /** True when the answer came from an injected fault (the operation did not run). */
    injected?: boolean;
}

/** The next `times` calls of `operation` fail with this error without reaching the operation. */
export interface InjectedFault {
    operation: string;
    /** Default 1. */
    times?: number;
    /** Default 500. */
    status?: number;
    /** Default `InternalFailure` (or `ThrottlingException` for status 429 / 400 when you set it). */
    code?: string;
    message?: string;
}

export interface StepFunctionsEndpointOptions {
    store: ActivityStore;
    /** 0 or absent: a free port. */
    port?: number;
    /** More operations served beside the activity ones (a same-named one replaces it). */
    extraOperations?: Record<string, OperationHandler>;
}

export interface StepFunctionsEndpoint extends RunningServer {
    readonly store: ActivityStore;
    /** Every request that reached an operation, in order of arrival. */
    readonly requests: readonly RecordedRequest[];
    requestsFor(operation: string): RecordedRequest[];
    injectFault(fault: InjectedFault): void;
    clearFaults(): void;
    /**
     * Resolves with the `count`-th request (1 = the first, counted since the endpoint started) of
     * `operation`, when it arrives or already has. Rejects after `timeoutMs` (default 10 s).
     */
    waitForRequest(operation: string, options?: { count?: number; timeoutMs?: number }): Promise<RecordedRequest>;
}

export async function startStepFunctionsEndpoint(
    options: StepFunctionsEndpointOptions,
): Promise<StepFunctionsEndpoint> {
    const operations = { ...createActivityOperations(options.store), ...(options.extraOperations ?? {}) };
    const requests: RecordedRequest[] = [];
    const faults: Array<Required<Omit<InjectedFault, "message">> & { message?: string }> = [];
    const events = new EventEmitter();
    events.setMaxListeners(0);

    const wrapped: Record<string, OperationHandler> = {};
    for (const [operation, handler] of Object.entries(operations)) {
        wrapped[operation] = async (body, ctx) => {
            const record: RecordedRequest = { seq: requests.length + 1, operation, time: Date.now(), body };
            requests.push(record);
            events.emit("request", record);
            try {
                const i = faults.findIndex(f => f.operation === operation);
                if (i >= 0) {
                    const fault = faults[i];
                    if (--fault.times <= 0) faults.splice(i, 1);
                    record.injected = true;
                    throw new AwsServiceError(
                        fault.code,
                        fault.message ?? `injected fault for ${operation}`,
                        fault.status,
                    );
                }
                const response = await handler(body, ctx);
                record.status = 200;
                record.response = response;
                return response;
            } catch (err) {
                record.status = err instanceof AwsServiceError ? err.status : 500;
                record.errorCode = err instanceof AwsServiceError ? err.code : "InternalFailure";
                throw err;
            } finally {
                record.finishedAt = Date.now();
                record.clientGone = ctx.signal.aborted;
                events.emit("finished", record);
            }
        };
    }

    const server = await startAwsJsonServer(
        { protocol: "1.0", targetPrefix: "AWSStepFunctions", errorNamespace: "com.amazonaws.sfn", operations: wrapped },
        { port: options.port },
    );

    return {
        ...server,
        store: options.store,
        requests,
        requestsFor: operation => requests.filter(r => r.operation === operation),
        injectFault: fault => {
            const status = fault.status ?? 500;
            faults.push({
                operation: fault.operation,
                times: fault.times ?? 1,
                status,
                code: fault.code ?? (status === 429 ? "ThrottlingException" : "InternalFailure"),
                message: fault.message,
            });
        },
        clearFaults: () => void faults.splice(0),
        waitForRequest: (operation, opts = {}) => {
            const count = opts.count ?? 1;
            const timeoutMs = opts.timeoutMs ?? 10_000;
            const seen = requests.filter(r => r.operation === operation);
            if (seen.length >= count) return Promise.resolve(seen[count - 1]);
            return new Promise((resolve, reject) => {
                let n = seen.length;
                const onRequest = (r: RecordedRequest) => {
                    if (r.operation !== operation || ++n < count) return;
                    cleanup();
                    resolve(r);
                };
                const timer = setTimeout(() => {
                    cleanup();
                    reject(
                        new Error(
                            `timed out after ${timeoutMs} ms waiting for ${operation} request #${count} (saw ${n})`,
                        ),
                    );
                }, timeoutMs);
                const cleanup = () => {
                    clearTimeout(timer);
                    events.off("request", onRequest);
                };
                events.on("request", onRequest);
            });
        },
    };
}
