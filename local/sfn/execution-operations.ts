// The execution half of the local Step Functions API (StartExecution, DescribeExecution,
// GetExecutionHistory, StopExecution, ListExecutions, ListStateMachines, DescribeStateMachine) over
// the local engine, as AWS JSON 1.0 operation handlers. The Step Functions endpoint merges these
// with its activity operations; each handler validates its request completely before it changes
// anything, and answers bad requests with AWS's error names (AwsServiceError).
import { AwsServiceError, OperationHandler } from "../shared/aws-json-server";
import { EngineError, LocalStepFunctions, HistoryEvent } from "./engine";

export type ExecutionOperationName =
    | "StartExecution"
    | "DescribeExecution"
    | "GetExecutionHistory"
    | "StopExecution"
    | "ListExecutions"
    | "ListStateMachines"
    | "DescribeStateMachine";

export type ExecutionOperations = Record<ExecutionOperationName, OperationHandler>;

/** AWS JSON answers carry timestamps as epoch seconds. */
export function epochSeconds(date: Date): number;
export function epochSeconds(date: Date | undefined): number | undefined;
export function epochSeconds(date: Date | undefined): number | undefined {
    return date === undefined ? undefined : date.getTime() / 1000;
}

/** A history event as GetExecutionHistory answers it (timestamp in epoch seconds). */
export function serializeHistoryEvent(event: HistoryEvent): Record<string, unknown> {
    const { timestamp, ...rest } = event;
    return { timestamp: epochSeconds(timestamp!), ...rest };
}

type FieldType = "string" | "boolean" | "integer";

/** Checks the JSON types of a request's members (AWS answers a wrong type with SerializationException). */
function checkTypes(body: Record<string, unknown>, fields: Record<string, FieldType>, required: string[] = []): void {
    for (const name of required) {
        if (body[name] === undefined || body[name] === null) {
            throw new AwsServiceError(
                "ValidationException",
                `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`,
            );
        }
    }
    for (const [name, type] of Object.entries(fields)) {
        const value = body[name];
        if (value === undefined || value === null) continue;
        const ok = type === "integer" ? Number.isInteger(value) : typeof value === type;
        if (!ok)
            throw new AwsServiceError(
                "SerializationException",
                `member '${name}' must be ${type === "integer" ? "an integer" : `a ${type}`}`,
            );
    }
}

/** Runs an engine call, turning its errors into AWS-shaped ones. */
function call<T>(fn: () => T): T {
    try {
        return fn();
    } catch (err) {
        if (err instanceof EngineError) throw new AwsServiceError(err.code, err.message);
        throw err;
    }
}

function defined<T extends Record<string, unknown>>(record: T): T {
    for (const key of Object.keys(record)) if (record[key] === undefined) delete record[key];
    return record;
}

/** StartExecution: starts an execution of a state machine. */
function startExecution(engine: LocalStepFunctions, body: any): unknown {
    checkTypes(body, { stateMachineArn: "string", name: "string", input: "string", traceHeader: "string" }, [
        "stateMachineArn",
    ]);
    const { executionArn, startDate } = call(() =>
        engine.startExecution({
            stateMachineArn: body.stateMachineArn,
            name: body.name ?? undefined,
            input: body.input ?? undefined,
        }),
    );
    return { executionArn, startDate: epochSeconds(startDate) };
}

/** DescribeExecution: an execution's status, input and (when it has one) output or error. */
function describeExecution(engine: LocalStepFunctions, body: any): unknown {
    checkTypes(body, { executionArn: "string" }, ["executionArn"]);
    const d = call(() => engine.describeExecution(body.executionArn));
    return defined({
        executionArn: d.executionArn,
        stateMachineArn: d.stateMachineArn,
        name: d.name,
        status: d.status,
        startDate: epochSeconds(d.startDate),
        stopDate: epochSeconds(d.stopDate),
        input: d.input,
        inputDetails: { included: true },
        output: d.output,
        outputDetails: d.output !== undefined ? { included: true } : undefined,
        error: d.error,
        cause: d.cause,
    });
}

/** GetExecutionHistory: one page of an execution's events. */
function getExecutionHistory(engine: LocalStepFunctions, body: any): unknown {
    checkTypes(
        body,
        {
            executionArn: "string",
            maxResults: "integer",
            nextToken: "string",
            reverseOrder: "boolean",
            includeExecutionData: "boolean",
        },
        ["executionArn"],
    );
    const page = call(() =>
        engine.getExecutionHistory(body.executionArn, {
            maxResults: body.maxResults ?? undefined,
            nextToken: body.nextToken ?? undefined,
            reverseOrder: body.reverseOrder ?? undefined,
            includeExecutionData: body.includeExecutionData ?? undefined,
        }),
    );
    return defined({ events: page.events.map(serializeHistoryEvent), nextToken: page.nextToken });
}

/** StopExecution: stops a running execution, with an optional error and cause. */
function stopExecution(engine: LocalStepFunctions, body: any): unknown {
    checkTypes(body, { executionArn: "string", error: "string", cause: "string" }, ["executionArn"]);
    const { stopDate } = call(() =>
        engine.stopExecution(body.executionArn, body.error ?? undefined, body.cause ?? undefined),
    );
    return { stopDate: epochSeconds(stopDate) };
}

/** ListExecutions: one page of a state machine's executions (Map Runs are not emulated). */
function listExecutions(engine: LocalStepFunctions, body: any): unknown {
    checkTypes(body, {
        stateMachineArn: "string",
        statusFilter: "string",
        maxResults: "integer",
        nextToken: "string",
        mapRunArn: "string",
        redriveFilter: "string",
    });
    if (body.mapRunArn !== undefined && body.mapRunArn !== null)
        throw new AwsServiceError(
            "ValidationException",
            "the local runtime has no Map Runs (distributed Map is not supported)",
        );
    if (body.stateMachineArn === undefined || body.stateMachineArn === null)
        throw new AwsServiceError("ValidationException", "Must provide a StateMachine ARN or MapRun ARN");
    const page = call(() =>
        engine.listExecutions({
            stateMachineArn: body.stateMachineArn,
            statusFilter: body.statusFilter ?? undefined,
            maxResults: body.maxResults ?? undefined,
            nextToken: body.nextToken ?? undefined,
        }),
    );
    return defined({
        executions: page.executions.map(e =>
            defined({
                executionArn: e.executionArn,
                stateMachineArn: e.stateMachineArn,
                name: e.name,
                status: e.status,
                startDate: epochSeconds(e.startDate),
                stopDate: epochSeconds(e.stopDate),
            }),
        ),
        nextToken: page.nextToken,
    });
}

/** ListStateMachines: one page of the declared state machines. */
function listStateMachines(engine: LocalStepFunctions, body: any): unknown {
    checkTypes(body, { maxResults: "integer", nextToken: "string" });
    const page = call(() =>
        engine.listStateMachines({
            maxResults: body.maxResults ?? undefined,
            nextToken: body.nextToken ?? undefined,
        }),
    );
    return defined({
        stateMachines: page.stateMachines.map(m => ({
            stateMachineArn: m.stateMachineArn,
            name: m.name,
            type: m.type,
            creationDate: epochSeconds(m.creationDate),
        })),
        nextToken: page.nextToken,
    });
}

/**
 * DescribeStateMachine: a state machine's definition and settings as created (the plan's logging,
 * tracing and encryption). No `revisionId`, `description` or `label`: AWS gives them only after an
 * update or for a version or alias ARN, which the local runtime has not
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeStateMachine.html).
 */
function describeStateMachine(engine: LocalStepFunctions, body: any): unknown {
    checkTypes(body, { stateMachineArn: "string", includedData: "string" }, ["stateMachineArn"]);
    const m = call(() => engine.describeStateMachine(body.stateMachineArn));
    return defined({
        stateMachineArn: m.stateMachineArn,
        name: m.name,
        status: m.status,
        definition: m.definition,
        roleArn: m.roleArn,
        type: m.type,
        creationDate: epochSeconds(m.creationDate),
        loggingConfiguration: m.loggingConfiguration,
        tracingConfiguration: m.tracingConfiguration,
        encryptionConfiguration: m.encryptionConfiguration,
    });
}

export function createExecutionOperations(engine: LocalStepFunctions): ExecutionOperations {
    return {
        StartExecution: body => startExecution(engine, body),
        DescribeExecution: body => describeExecution(engine, body),
        GetExecutionHistory: body => getExecutionHistory(engine, body),
        StopExecution: body => stopExecution(engine, body),
        ListExecutions: body => listExecutions(engine, body),
        ListStateMachines: body => listStateMachines(engine, body),
        DescribeStateMachine: body => describeStateMachine(engine, body),
    };
}
