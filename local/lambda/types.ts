// What the local Lambda runner is given (a function's code and configuration) and what an
// invocation gives back (its result, or Lambda's error shape).

export interface LambdaFunctionConfig {
    functionName: string;
    /** `__index.js` text, or every text file of the code archive by name (see `archiveFiles`). */
    code: string | Record<string, string>;
    /** Module and export, e.g. `__index.handler` (CallbackFunction's, the default). */
    handler?: string;
    /** The function's own environment variables. */
    environment?: Record<string, string>;
    /** Lambda's default is 3 s. */
    timeoutSeconds?: number;
    /** Reported to the handler only; memory is not limited. Default 128. */
    memorySizeMb?: number;
    functionArn?: string;
}

export interface LambdaOutputLine {
    functionName: string;
    stream: "stdout" | "stderr";
    line: string;
}

export type InvokeResult =
    | { ok: true; result: unknown; requestId: string; durationMs: number }
    | { ok: false; errorType: string; errorMessage: string; trace: string[]; requestId: string; durationMs: number };

export type InvokeFailure = Extract<InvokeResult, { ok: false }>;
