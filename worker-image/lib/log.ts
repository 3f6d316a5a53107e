// Structured logs: one JSON object per line on stdout, so CloudWatch Logs Insights can query them
// (`fields event, durationMs | filter level = "error"`). Task tokens are secrets: only a short hash.
import { createHash } from "crypto";
import type { LogLevelName } from "./config";

export type LogFields = Record<string, unknown>;

export interface Logger {
    debug(event: string, fields?: LogFields): void;
    info(event: string, fields?: LogFields): void;
    warn(event: string, fields?: LogFields): void;
    error(event: string, fields?: LogFields): void;
    /** A logger that adds `fields` to every line. */
    child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevelName, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** The first 16 hex digits of the token's SHA-256: enough to follow one task through the logs. */
export function tokenHash(token: string): string {
    return createHash("sha256").update(token).digest("hex").slice(0, 16);
}

function plain(value: unknown): unknown {
    if (value instanceof Error) return { name: value.name, message: value.message };
    return value;
}

/** One log line (no newline): time, level, event first, then the fields; never a `taskToken`. */
export function formatLogLine(time: Date, level: LogLevelName, event: string, fields: LogFields = {}): string {
    const record: LogFields = { time: time.toISOString(), level, event };
    for (const [key, value] of Object.entries(fields)) {
        if (key === "taskToken" || key === "time" || key === "level" || key === "event" || value === undefined)
            continue;
        record[key] = plain(value);
    }
    try {
        return JSON.stringify(record);
    } catch {
        return JSON.stringify({ time: record.time, level, event, logError: "fields could not be serialized" });
    }
}

export interface LoggerOptions {
    /** Receives each line with its newline. Default: process.stdout.write. */
    write?: (line: string) => void;
    level?: LogLevelName;
    fields?: LogFields;
    now?: () => Date;
}

export function createLogger(options: LoggerOptions = {}): Logger {
    const write = options.write ?? ((line: string) => void process.stdout.write(line));
    const min = LEVELS[options.level ?? "info"];
    const now = options.now ?? (() => new Date());
    const make = (base: LogFields): Logger => {
        const emit = (level: LogLevelName) => (event: string, fields?: LogFields) => {
            if (LEVELS[level] >= min) write(formatLogLine(now(), level, event, { ...base, ...fields }) + "\n");
        };
        return {
            debug: emit("debug"),
            info: emit("info"),
            warn: emit("warn"),
            error: emit("error"),
            child: fields => make({ ...base, ...fields }),
        };
    };
    return make(options.fields ?? {});
}
