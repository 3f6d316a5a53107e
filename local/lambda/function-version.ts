// A function version as the Lambda Node.js runtime sets it up: its code in a folder of its own,
// the SDK the runtime provides (and nothing else of this project) on NODE_PATH, and the
// environment variables Lambda defines. A version is the function's code and configuration: a
// changed function is a new version, as after an update in Lambda.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { LambdaFunctionConfig } from "./types";

/** A short hash of the code and configuration. */
export function versionOf(config: LambdaFunctionConfig): string {
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

/**
 * Makes `<root>/runtime/node_modules` hold only what the Lambda Node.js runtime provides (SDK v3),
 * linked from `sdkNodeModules` (default: this project's); returns it, for NODE_PATH.
 */
export function linkRuntimeModules(root: string, sdkNodeModules?: string): string {
    const runtimeModules = path.join(root, "runtime", "node_modules");
    fs.mkdirSync(runtimeModules, { recursive: true });
    const sdk = sdkNodeModules ?? defaultSdkNodeModules();
    for (const scope of ["@aws-sdk", "@smithy"]) {
        if (fs.existsSync(path.join(sdk, scope)))
            fs.symlinkSync(path.join(sdk, scope), path.join(runtimeModules, scope), "dir");
    }
    return runtimeModules;
}

/** Writes the version's code files into a folder of its own under `root`; returns the folder. */
export function writeFunctionCode(root: string, config: LambdaFunctionConfig, version: string): string {
    const codeDir = path.join(root, `${config.functionName.replace(/[^\w.-]/g, "_")}-${version}`);
    const files = typeof config.code === "string" ? { "__index.js": config.code } : config.code;
    for (const [name, text] of Object.entries(files)) {
        const file = path.resolve(codeDir, name);
        if (!file.startsWith(codeDir + path.sep)) throw new Error(`code file ${name} escapes the function folder`);
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, text);
    }
    return codeDir;
}

export interface RuntimeSettings {
    region: string;
    /** Given to every function on top of its own environment (the runner's `baseEnvironment`). */
    baseEnvironment?: Record<string, string>;
    runtimeModules: string;
}

/** The environment of the version's processes: its own variables, then those Lambda defines. */
export function functionEnvironment(
    config: LambdaFunctionConfig,
    version: string,
    codeDir: string,
    runtime: RuntimeSettings,
): Record<string, string> {
    const memory = config.memorySizeMb ?? 128;
    return {
        ...(config.environment ?? {}),
        AWS_REGION: runtime.region,
        AWS_DEFAULT_REGION: runtime.region,
        AWS_ACCESS_KEY_ID: "AKIALOCAL0000000000",
        AWS_SECRET_ACCESS_KEY: "local-secret-access-key",
        ...(runtime.baseEnvironment ?? {}),
        AWS_LAMBDA_FUNCTION_NAME: config.functionName,
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(memory),
        AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${config.functionName}`,
        AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${version}`,
        AWS_EXECUTION_ENV: `AWS_Lambda_nodejs${process.versions.node.split(".")[0]}.x`,
        LAMBDA_TASK_ROOT: codeDir,
        _HANDLER: config.handler ?? "__index.handler",
        NODE_PATH: runtime.runtimeModules,
        TZ: ":UTC",
        LANG: "en_US.UTF-8",
        PATH: process.env.PATH ?? "/usr/bin:/bin",
    };
}
