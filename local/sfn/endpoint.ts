// The local Step Functions endpoint: AWS JSON 1.0 on 127.0.0.1, so the real @aws-sdk/client-sfn (via
// AWS_ENDPOINT_URL_SFN) or the AWS CLI (--endpoint-url) can drive the activity store. The local
// execution engine adds its operations (StartExecution, DescribeExecution, ...) through
// `extraOperations`. For tests: a request log and fault injection.
import { OperationHandler, RunningServer, startAwsJsonServer } from "../shared/aws-json-server";
import { createActivityOperations } from "./activity-operations";
import { ActivityStore } from "./activity-store";
import { InjectedFault, RecordedRequest, RequestRecorder } from "./request-recorder";

export type { InjectedFault, RecordedRequest } from "./request-recorder";

export interface StepFunctionsEndpointOptions {
    store: ActivityStore;
    /** 0 or absent: a free port. */
    port?: number;
    /** More operations served beside the activity ones (a same-named one replaces it). */
    extraOperations?: Record<string, OperationHandler>;
}

export interface StepFunctionsEndpoint extends RunningServer {
    readonly store: ActivityStore;
    /** The requests that reached an operation, in order of arrival: the latest RECORDED_REQUESTS of them. */
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
    const recorder = new RequestRecorder();
    const server = await startAwsJsonServer(
        {
            protocol: "1.0",
            targetPrefix: "AWSStepFunctions",
            errorNamespace: "com.amazonaws.sfn",
            operations: recorder.wrap(operations),
        },
        { port: options.port },
    );

    return {
        ...server,
        store: options.store,
        requests: recorder.requests,
        requestsFor: operation => recorder.requestsFor(operation),
        injectFault: fault => recorder.injectFault(fault),
        clearFaults: () => recorder.clearFaults(),
        waitForRequest: (operation, opts) => recorder.waitForRequest(operation, opts),
    };
}
