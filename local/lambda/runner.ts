// Runs Lambda functions locally as the Node.js runtime does: each function's code in a folder of
// its own, loaded once per execution environment (a child process running host.js with the
// function's environment) and reused while warm. Concurrent invocations of one function get more
// environments, up to a cap, as Lambda scales out; past the cap they queue. Functions never share
// a process, so one function's environment never reaches another's. This file keeps the pools of
// every function version; the parts are function-version.ts (code folder and environment),
// function-pool.ts, execution-environment.ts (the process and its protocol with host.js),
// invocation.ts and lambda-errors.ts.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LOCAL_ACCOUNT } from "../shared/account";
import { FunctionPool } from "./function-pool";
import { functionEnvironment, linkRuntimeModules, versionOf, writeFunctionCode } from "./function-version";
import { InvocationContext, invokeFunction } from "./invocation";
import { InvokeResult, LambdaFunctionConfig, LambdaOutputLine } from "./types";

export type { InvokeFailure, InvokeResult, LambdaFunctionConfig, LambdaOutputLine } from "./types";
export { exitMessage, stepFunctionsErrorOf, timeoutMessage } from "./lambda-errors";

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

export interface LambdaRunner {
    invoke(fn: LambdaFunctionConfig, event: unknown): Promise<InvokeResult>;
    /** Live environments (processes) per function name. */
    environments(): Record<string, number>;
    /** Ends every process and removes the code folders. */
    close(): Promise<void>;
}

function stderrOutput({ functionName, line }: LambdaOutputLine): void {
    process.stderr.write(`[λ ${functionName}] ${line}\n`);
}

export function createLambdaRunner(options: LambdaRunnerOptions = {}): LambdaRunner {
    const region = options.baseEnvironment?.AWS_REGION ?? options.region ?? "us-east-1";
    const account = options.account ?? LOCAL_ACCOUNT;
    const max = options.maxEnvironmentsPerFunction ?? 16;
    const initTimeoutMs = options.initTimeoutMs ?? 10_000;
    const output = options.output ?? stderrOutput;
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-runner-"));
    // NODE_PATH holds only what the Lambda Node.js runtime provides (SDK v3), linked from our
    // node_modules; nothing else of this project resolves from a function's folder.
    const runtimeModules = linkRuntimeModules(root, options.sdkNodeModules);
    // By function name and version (code + configuration): a changed function gets new environments,
    // as Lambda does after an update; the old version's stay until close().
    const pools = new Map<string, FunctionPool>();
    let closed = false;

    function poolFor(config: LambdaFunctionConfig): FunctionPool {
        const version = versionOf(config);
        const key = `${config.functionName}\n${version}`;
        const existing = pools.get(key);
        if (existing) return existing;
        const codeDir = writeFunctionCode(root, config, version);
        const env = functionEnvironment(config, version, codeDir, {
            region,
            baseEnvironment: options.baseEnvironment,
            runtimeModules,
        });
        const pool = new FunctionPool(config, codeDir, env, max, output);
        pools.set(key, pool);
        return pool;
    }

    const invocationContext: InvocationContext = {
        region,
        account,
        initTimeoutMs,
        poolFor: config => (closed ? undefined : poolFor(config)),
    };

    return {
        invoke: (config, event) => invokeFunction(invocationContext, config, event),
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
