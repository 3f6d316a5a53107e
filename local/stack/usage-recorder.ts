// What the local run used, recorded as it happens so that each execution's cost can be forecast:
// every Lambda invocation (which function, its payload, how long it ran, the log bytes it wrote,
// the DynamoDB requests made meanwhile) and the log bytes of every container.
import type { InvokeResult } from "../lambda/runner";

export interface InvocationRecord {
    functionArn: string;
    functionName: string;
    payload: unknown;
    /** The payload as JSON, taken once: each execution's cost searches every payload for its ARNs. */
    payloadText: string;
    durationMs: number;
    /** Bytes the function wrote while this invocation ran (concurrent invocations of one function share them). */
    logBytes: number;
    /** DynamoDB requests answered while this invocation ran (shared with concurrent invocations). */
    dynamoDb: { reads: number; writes: number };
}

export class UsageRecorder {
    readonly invocations: InvocationRecord[] = [];
    private readonly containerBytes = new Map<string, number>();
    private readonly functionBytes = new Map<string, number>();
    /** Set once the DynamoDB endpoint runs. */
    dynamoDbCounts: () => { reads: number; writes: number } = () => ({ reads: 0, writes: 0 });

    containerOutput(taskId: string, line: string): void {
        this.containerBytes.set(taskId, (this.containerBytes.get(taskId) ?? 0) + Buffer.byteLength(line) + 1);
    }

    functionOutput(functionName: string, line: string): void {
        this.functionBytes.set(functionName, (this.functionBytes.get(functionName) ?? 0) + Buffer.byteLength(line) + 1);
    }

    containerLogBytes(taskId: string): number {
        return this.containerBytes.get(taskId) ?? 0;
    }

    /** Runs an invocation and records it. */
    async invoke(
        fn: { functionArn?: string; functionName: string },
        payload: unknown,
        run: () => Promise<InvokeResult>,
    ): Promise<InvokeResult> {
        const bytesBefore = this.functionBytes.get(fn.functionName) ?? 0;
        const dynamoBefore = this.dynamoDbCounts();
        const result = await run();
        const dynamoAfter = this.dynamoDbCounts();
        this.invocations.push({
            functionArn: fn.functionArn ?? fn.functionName,
            functionName: fn.functionName,
            payload,
            payloadText: JSON.stringify(payload) ?? "",
            durationMs: result.durationMs,
            logBytes: (this.functionBytes.get(fn.functionName) ?? 0) - bytesBefore,
            dynamoDb: {
                reads: dynamoAfter.reads - dynamoBefore.reads,
                writes: dynamoAfter.writes - dynamoBefore.writes,
            },
        });
        return result;
    }
}
