// The example job (the seed's): wait, then say "ecs done". Replace this module with your own work;
// keep its shape: validate the input, honour `context.signal`, return a JSON-serializable value.
import { Env, ConfigResult, readInteger } from "./lib/config";
import { namedError, WorkerErrorNames } from "./lib/errors";
import { sleep } from "./lib/sleep";
import type { ActivityHandler } from "./lib/types";

export interface ExampleJobConfig {
    /** JOB_DURATION_MS: how long the job works when its input does not say. Default 10000 (the seed's 10 s). */
    defaultDurationMs: number;
}

export interface ExampleJobInput {
    /** Milliseconds to work; a non-negative number. Default: the configured duration. */
    durationMs?: number;
    /** Returned as is, so mixed-up tasks show. */
    echo?: unknown;
    /** After the wait, throw an error with this name (to watch failure handling end to end). */
    failWith?: string;
    /** The message of that error. */
    failMessage?: string;
}

export interface ExampleJobOutput {
    result: "ecs done";
    echo?: unknown;
}

/** Node's timers hold at most 2^31-1 ms. */
const MAX_DURATION_MS = 2_147_483_647;

export function parseJobConfig(env: Env): ConfigResult<ExampleJobConfig> {
    const duration = readInteger(env, "JOB_DURATION_MS", 0, MAX_DURATION_MS);
    if (!duration.ok) return duration;
    return { ok: true, value: { defaultDurationMs: duration.value ?? 10_000 } };
}

function invalid(message: string): Error {
    return namedError(WorkerErrorNames.InvalidInput, message);
}

/** Checks the input; throws `Worker.InvalidInput` saying what is wrong. */
export function validateJobInput(input: unknown): ExampleJobInput {
    if (typeof input !== "object" || input === null || Array.isArray(input)) {
        throw invalid(
            `the input must be a JSON object, got ${input === null ? "null" : Array.isArray(input) ? "an array" : typeof input}`,
        );
    }
    const i = input as Record<string, unknown>;
    if (
        i.durationMs !== undefined &&
        (typeof i.durationMs !== "number" ||
            !Number.isFinite(i.durationMs) ||
            i.durationMs < 0 ||
            i.durationMs > MAX_DURATION_MS)
    ) {
        throw invalid(
            `durationMs must be a non-negative number of milliseconds (at most ${MAX_DURATION_MS}), got ${JSON.stringify(i.durationMs)}`,
        );
    }
    if (i.failWith !== undefined && (typeof i.failWith !== "string" || i.failWith.length === 0)) {
        throw invalid(`failWith must be a non-empty error name, got ${JSON.stringify(i.failWith)}`);
    }
    if (i.failMessage !== undefined && typeof i.failMessage !== "string") {
        throw invalid(`failMessage must be a string, got ${JSON.stringify(i.failMessage)}`);
    }
    return i as ExampleJobInput;
}

export function createExampleJob(config: ExampleJobConfig): ActivityHandler<unknown, ExampleJobOutput> {
    return async (rawInput, { signal, log }) => {
        const input = validateJobInput(rawInput);
        const durationMs = input.durationMs ?? config.defaultDurationMs;
        log.info("job.working", { durationMs });
        await sleep(durationMs, signal);
        if (signal.aborted) throw signal.reason;
        if (input.failWith !== undefined)
            throw namedError(
                input.failWith,
                input.failMessage ?? `the job failed as its input asked (failWith ${JSON.stringify(input.failWith)})`,
            );
        const output: ExampleJobOutput = { result: "ecs done" };
        if (Object.hasOwn(input, "echo")) output.echo = input.echo;
        return output;
    };
}
