// Runs Lambda functions locally as the Node.js runtime does: each function's code in a folder of
// its own, loaded once per execution environment (a child process running host.js with the
// function's environment) and reused while warm. Concurrent invocations of one function get more
// environments, up to a cap, as Lambda scales out; past the cap they queue. Functions never share
// a process, so one function's environment never reaches another's.
import { ChildProcess, fork } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LOCAL_ACCOUNT } from "../shared/account";

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

export interface LambdaRunnerOptions {
    /**
     * Given to every function on top of its own environment, as Lambda's reserved variables are:
     * region, credentials, `AWS_ENDPOINT_URL_ECS`... Region and dummy credentials are defaulted.
     */
    baseEnvironment?: Record<string, string>;
    region?: string;
    account?: string;
    /** Warm environments (processes) per function; further concurrent invocations queue. Default 16. */
    maxEnvironmentsPerFunction?: number;
    /** Lambda's init phase limit. Default 10 s. */
    initTimeoutMs?: number;
    /** Default: standard error, each line prefixed with the function's name. */
    output?: (line: LambdaOutputLine) => void;
    /** The node_modules folder that holds the SDK the runtime provides. Default: this project's. */
    sdkNodeModules?: string;
}

export type InvokeResult =
    | { ok: true; result: unknown; requestId: string; durationMs: number }
    | { ok: false; errorType: string; errorMessage: string; trace: string[]; requestId: string; durationMs: number };

export type InvokeFailure = Extract<InvokeResult, { ok: false }>;

export interface LambdaRunner {
    invoke(fn: LambdaFunctionConfig, event: unknown): Promise<InvokeResult>;
    /** Live environments (processes) per function name. */
    environments(): Record<string, number>;
    /** Ends every process and removes the code folders. */
    close(): Promise<void>;
}

/** Lambda's own errors for an invocation that never returned: timeout, or the runtime died. */
const RUNTIME_FAILURES = new Set(["Sandbox.Timedout", "Runtime.ExitError"]);

/**
 * The `{error, cause}` Step Functions records (LambdaFunctionFailed) for a failed invocation. A
 * handler's error keeps its errorType as the error name, with Lambda's error payload as the cause.
 * Failures Lambda itself reports without an error type in the payload (a timeout: `{"errorMessage":
 * "… Task timed out after 3.00 seconds"}`; a runtime that exited) surface as `Lambda.Unknown`, as
 * Step Functions documents for timeouts and out-of-memory ("Handle Lambda service exceptions").
 */
export function stepFunctionsErrorOf(failure: Pick<InvokeFailure, "errorType" | "errorMessage" | "trace">): {
    error: string;
    cause: string;
} {
    if (RUNTIME_FAILURES.has(failure.errorType)) {
        return {
            error: "Lambda.Unknown",
            cause: `The cause could not be determined because Lambda did not return an error type. Returned payload: ${JSON.stringify({ errorMessage: failure.errorMessage })}`,
        };
    }
    return {
        error: failure.errorType,
        cause: JSON.stringify({
            errorType: failure.errorType,
            errorMessage: failure.errorMessage,
            trace: failure.trace,
        }),
    };
}

/** What Lambda says when the function outlives its timeout. */
export function timeoutMessage(requestId: string, timeoutSeconds: number, at = new Date()): string {
    return `${at.toISOString()} ${requestId} Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
}

const SIGNAL_WORDS: Record<string, string> = {
    SIGKILL: "killed",
    SIGTERM: "terminated",
    SIGSEGV: "segmentation fault",
    SIGABRT: "aborted",
    SIGINT: "interrupt",
};

/** Lambda's Runtime.ExitError message for a process that ended mid-invocation. */
export function exitMessage(requestId: string, code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal ? `signal: ${SIGNAL_WORDS[signal] ?? signal}` : `exit status ${code}`;
    return `RequestId: ${requestId} Error: Runtime exited with error: ${how}`;
}

const HOST_SCRIPT = path.join(__dirname, "host.js");
const RESPONSE_LIMIT = 6 * 1024 * 1024;

type HostMessage =
    | { type: "ready" }
    | { type: "initError"; errorType: string; errorMessage: string; trace: string[] }
    | { type: "crash"; errorType: string; errorMessage: string; trace: string[] }
    | { type: "result"; requestId: string; ok: true; payload: string; fatal?: boolean }
    | {
          type: "result";
          requestId: string;
          ok: false;
          errorType: string;
          errorMessage: string;
          trace: string[];
          fatal?: boolean;
      };

/** One execution environment: a warm child process. */
class Environment {
    readonly child: ChildProcess;
    readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
    private listener?: (message: HostMessage) => void;
    alive = true;

    constructor(
        codeDir: string,
        env: Record<string, string>,
        onLine: (stream: "stdout" | "stderr", line: string) => void,
    ) {
        this.child = fork(HOST_SCRIPT, [], {
            cwd: codeDir,
            env,
            execArgv: [],
            stdio: ["ignore", "pipe", "pipe", "ipc"],
            serialization: "json",
        });
        for (const stream of ["stdout", "stderr"] as const) {
            let pending = "";
            this.child[stream]!.on("data", (chunk: Buffer) => {
                pending += chunk.toString();
                const lines = pending.split("\n");
                pending = lines.pop()!;
                for (const line of lines) onLine(stream, line);
            });
            this.child[stream]!.on("end", () => pending && onLine(stream, pending));
        }
        this.exited = new Promise(resolve =>
            this.child.once("exit", (code, signal) => {
                this.alive = false;
                resolve({ code, signal });
            }),
        );
        this.child.on("message", message => this.listener?.(message as HostMessage));
        this.child.on("error", () => undefined); // an IPC send to a dying process; its exit is handled
    }

    /** The next message from the host, or its exit, or the deadline; whichever comes first. */
    next(
        timeoutMs: number,
    ): Promise<
        HostMessage | { type: "exit"; code: number | null; signal: NodeJS.Signals | null } | { type: "timeout" }
    > {
        return new Promise(resolve => {
            const timer = setTimeout(() => done({ type: "timeout" }), timeoutMs);
            const done = (value: any) => {
                clearTimeout(timer);
                this.listener = undefined;
                resolve(value);
            };
            this.listener = message => done(message);
            this.exited.then(exit => done({ type: "exit", ...exit }));
        });
    }

    send(message: unknown): void {
        if (this.alive && this.child.connected) this.child.send(message as any);
    }

    kill(): Promise<unknown> {
        if (this.alive) this.child.kill("SIGKILL");
        return this.exited;
    }
}

interface Lease {
    env: Environment;
    /** A new process: wait for its init before invoking. */
    cold: boolean;
}

/** The warm environments of one function version (code + configuration). */
class FunctionPool {
    private readonly idle: Environment[] = [];
    private readonly all = new Set<Environment>();
    private readonly waiting: ((lease: Lease | undefined) => void)[] = [];
    retired = false;

    constructor(
        readonly config: LambdaFunctionConfig,
        readonly codeDir: string,
        private readonly env: Record<string, string>,
        private readonly max: number,
        private readonly onLine: (line: LambdaOutputLine) => void,
    ) {}

    get size(): number {
        return this.all.size;
    }

    /** An idle environment (the warmest), a new one (cold start) if under the cap, else the next one freed. */
    acquire(): Promise<Lease | undefined> {
        let warm: Environment | undefined;
        while ((warm = this.idle.pop())) {
            if (warm.alive) return Promise.resolve({ env: warm, cold: false });
            this.all.delete(warm); // died while idle (a crash after its invocation): Lambda would not reuse it
        }
        if (this.all.size < this.max) return Promise.resolve({ env: this.spawn(), cold: true });
        return new Promise(resolve => this.waiting.push(resolve));
    }

    private spawn(): Environment {
        const env = new Environment(this.codeDir, this.env, (stream, line) =>
            this.onLine({ functionName: this.config.functionName, stream, line }),
        );
        this.all.add(env);
        return env;
    }

    release(env: Environment): void {
        if (this.retired || !env.alive) {
            void this.discard(env);
            return;
        }
        const next = this.waiting.shift();
        if (next) next({ env, cold: false });
        else this.idle.push(env);
    }

    async discard(env: Environment): Promise<void> {
        this.all.delete(env);
        const at = this.idle.indexOf(env);
        if (at >= 0) this.idle.splice(at, 1);
        await env.kill();
        // Whoever waited for a freed environment gets a new one (a cold start) instead.
        const next = this.waiting.shift();
        if (next) next(this.retired ? undefined : { env: this.spawn(), cold: true });
    }

    async close(): Promise<void> {
        this.retired = true;
        for (const waiter of this.waiting.splice(0)) waiter(undefined);
        await Promise.all([...this.all].map(env => env.kill()));
        this.all.clear();
        this.idle.length = 0;
    }
}

function hashOf(config: LambdaFunctionConfig): string {
    const { functionName, code, handler, environment, timeoutSeconds, memorySizeMb } = config;
    return crypto
        .createHash("sha256")
        .update(JSON.stringify([functionName, code, handler, environment, timeoutSeconds, memorySizeMb]))
        .digest("hex")
        .slice(0, 12);
}

function defaultSdkNodeModules(): string {
    const pkg = require.resolve("@aws-sdk/client-ecs/package.json");
    return path.resolve(path.dirname(pkg), "..", "..");
}

export function createLambdaRunner(options: LambdaRunnerOptions = {}): LambdaRunner {
    const region = options.baseEnvironment?.AWS_REGION ?? options.region ?? "us-east-1";
    const account = options.account ?? LOCAL_ACCOUNT;
    const max = options.maxEnvironmentsPerFunction ?? 16;
    const initTimeoutMs = options.initTimeoutMs ?? 10_000;
    const output =
        options.output ??
        (({ functionName, line }: LambdaOutputLine) => process.stderr.write(`[λ ${functionName}] ${line}\n`));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-runner-"));
    // NODE_PATH holds only what the Lambda Node.js runtime provides (SDK v3), linked from our
    // node_modules; nothing else of this project resolves from a function's folder.
    const runtimeModules = path.join(root, "runtime", "node_modules");
    fs.mkdirSync(runtimeModules, { recursive: true });
    const sdk = options.sdkNodeModules ?? defaultSdkNodeModules();
    for (const scope of ["@aws-sdk", "@smithy"]) {
        if (fs.existsSync(path.join(sdk, scope)))
            fs.symlinkSync(path.join(sdk, scope), path.join(runtimeModules, scope), "dir");
    }
    // By function name and version (code + configuration): a changed function gets new environments,
    // as Lambda does after an update; the old version's stay until close().
    const pools = new Map<string, FunctionPool>();
    let closed = false;

    function poolFor(config: LambdaFunctionConfig): FunctionPool {
        const version = hashOf(config);
        const key = `${config.functionName}\n${version}`;
        const existing = pools.get(key);
        if (existing) return existing;
        const codeDir = path.join(root, `${config.functionName.replace(/[^\w.-]/g, "_")}-${version}`);
        const files = typeof config.code === "string" ? { "__index.js": config.code } : config.code;
        for (const [name, text] of Object.entries(files)) {
            const file = path.resolve(codeDir, name);
            if (!file.startsWith(codeDir + path.sep)) throw new Error(`code file ${name} escapes the function folder`);
            fs.mkdirSync(path.dirname(file), { recursive: true });
            fs.writeFileSync(file, text);
        }
        const memory = config.memorySizeMb ?? 128;
        const env: Record<string, string> = {
            ...(config.environment ?? {}),
            AWS_REGION: region,
            AWS_DEFAULT_REGION: region,
            AWS_ACCESS_KEY_ID: "AKIALOCAL0000000000",
            AWS_SECRET_ACCESS_KEY: "local-secret-access-key",
            ...(options.baseEnvironment ?? {}),
            AWS_LAMBDA_FUNCTION_NAME: config.functionName,
            AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
            AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
            AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
            AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${version}`,
            AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split(".")[0]}.x`,
            LAMBDA_TASK_ROOT: codeDir,
            _HANDLER: config.handler ?? "__index.handler",
            NODE_PATH: runtimeModules,
            TZ: ":UTC",
            LANG: "en_US.UTF-8",
            PATH: process.env.PATH ?? "/usr/bin:/bin",
        };
        const pool = new FunctionPool(config, codeDir, env, max, output);
        pools.set(key, pool);
        return pool;
    }

    async function invoke(config: LambdaFunctionConfig, event: unknown): Promise<InvokeResult> {
        const requestId = crypto.randomUUID();
        const started = performance.now();
        const fail = (errorType: string, errorMessage: string, trace: string[] = []): InvokeResult => ({
            ok: false,
            errorType,
            errorMessage,
            trace,
            requestId,
            durationMs: performance.now() - started,
        });
        if (closed) return fail("Runtime.PlatformError", "the local Lambda runner is closed");
        const pool = poolFor(config);
        const lease = await pool.acquire();
        if (!lease) return fail("Runtime.PlatformError", "the local Lambda runner is closed");
        const { env } = lease;
        if (lease.cold) {
            const init = await env.next(initTimeoutMs);
            if (init.type !== "ready") {
                await pool.discard(env);
                if (init.type === "initError" || init.type === "crash")
                    return fail(init.errorType, init.errorMessage, init.trace);
                if (init.type === "timeout")
                    return fail(
                        "Sandbox.Timedout",
                        `INIT timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds`,
                    );
                if (init.type === "exit")
                    return fail("Runtime.ExitError", exitMessage(requestId, init.code, init.signal));
                return fail("Runtime.PlatformError", `unexpected message ${init.type} during init`);
            }
        }
        const timeoutSeconds = config.timeoutSeconds ?? 3;
        const deadline = Date.now() + timeoutSeconds * 1000;
        const functionArn = config.functionArn ?? `arn:aws:lambda:${region}:${account}:function:${config.functionName}`;
        let eventJson: string;
        try {
            eventJson = JSON.stringify(event === undefined ? null : event);
        } catch (err: any) {
            pool.release(env);
            return fail("InvalidRequestContentException", `Could not serialize the event: ${err.message}`);
        }
        env.send({
            type: "invoke",
            requestId,
            deadline,
            event: eventJson,
            meta: {
                functionName: config.functionName,
                functionVersion: "$LATEST",
                invokedFunctionArn: functionArn,
                memoryLimitInMB: String(config.memorySizeMb ?? 128),
                logGroupName: `/aws/lambda/${config.functionName}`,
                logStreamName: `local/[$LATEST]${hashOf(config)}`,
            },
        });
        const reply = await env.next(Math.max(0, deadline - Date.now()));
        if (reply.type === "timeout") {
            // Lambda ends the environment of a timed-out invocation; the next one starts cold.
            await pool.discard(env);
            return fail("Sandbox.Timedout", timeoutMessage(requestId, timeoutSeconds));
        }
        if (reply.type === "exit") {
            await pool.discard(env);
            return fail("Runtime.ExitError", exitMessage(requestId, reply.code, reply.signal));
        }
        if (reply.type !== "result" || reply.requestId !== requestId) {
            await pool.discard(env);
            return reply.type === "crash"
                ? fail(reply.errorType, reply.errorMessage, reply.trace)
                : fail("Runtime.PlatformError", `unexpected message ${reply.type} from the environment`);
        }
        if (reply.fatal) await pool.discard(env);
        else pool.release(env);
        if (!reply.ok) return fail(reply.errorType, reply.errorMessage, reply.trace);
        if (Buffer.byteLength(reply.payload) > RESPONSE_LIMIT) {
            return fail(
                "Function.ResponseSizeTooLarge",
                `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT} bytes).`,
            );
        }
        return { ok: true, result: JSON.parse(reply.payload), requestId, durationMs: performance.now() - started };
    }

    return {
        invoke,
        environments() {
            const counts: Record<string, number> = {};
            for (const pool of pools.values())
                counts[pool.config.functionName] = (counts[pool.config.functionName] ?? 0) + pool.size;
            return counts;
        },
        async close() {
            if (closed) return;
            closed = true;
            await Promise.all([...pools.values()].map(pool => pool.close()));
            pools.clear();
            fs.rmSync(root, { recursive: true, force: true });
        },
    };
}
