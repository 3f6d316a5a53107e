// One warm Lambda execution environment: a child process started by execution-environment.ts
// with the function's environment. It loads the handler named by _HANDLER from LAMBDA_TASK_ROOT
// once (the init phase), then serves invocations sent over the IPC channel, one at a time, for as
// long as the runner keeps it. Plain JavaScript so it starts without ts-node. Error shapes follow the
// Lambda Node.js runtime interface client (errorType = the thrown Error's name, else typeof).
"use strict";
require("../shared/compile-cache.js"); // shared compiled code: each cold start loads the same SDK
const fs = require("fs");
const path = require("path");
const util = require("util");
const { pathToFileURL } = require("url");

function formatError(error) {
    try {
        if (error instanceof Error) {
            return {
                errorType: error.name,
                errorMessage: error.message,
                trace: typeof error.stack === "string" ? error.stack.split("\n") : [],
            };
        }
        return { errorType: typeof error, errorMessage: String(error), trace: [] };
    } catch {
        return {
            errorType: "handled",
            errorMessage:
                "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
            trace: [],
        };
    }
}

function runtimeError(name, message, stack) {
    const error = new Error(message);
    error.name = name;
    if (stack) error.stack = stack;
    return error;
}

let currentRequestId;

// Lambda's console format: timestamp, request id, level, message (all of it goes to the log stream).
for (const [method, level] of [
    ["log", "INFO"],
    ["info", "INFO"],
    ["warn", "WARN"],
    ["error", "ERROR"],
    ["debug", "DEBUG"],
    ["trace", "TRACE"],
]) {
    console[method] = (...args) => {
        process.stdout.write(
            `${new Date().toISOString()}\t${currentRequestId ?? "undefined"}\t${level}\t${util.format(...args).replace(/\n/g, "\r")}\n`,
        );
    };
}

async function loadHandler() {
    const spec = process.env._HANDLER || "";
    const taskRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
    const slash = spec.lastIndexOf("/");
    const dot = spec.indexOf(".", slash + 1);
    if (dot < 0) throw runtimeError("Runtime.MalformedHandlerName", `Bad handler ${spec}`);
    const moduleName = spec.slice(0, dot);
    const exportPath = spec.slice(dot + 1).split(".");
    const base = path.resolve(taskRoot, moduleName);
    const file = [".js", ".cjs", ".mjs"].map(ext => base + ext).find(candidate => fs.existsSync(candidate));
    if (!file) throw runtimeError("Runtime.ImportModuleError", `Error: Cannot find module '${moduleName}'`);
    let moduleExports;
    try {
        moduleExports = file.endsWith(".mjs") ? await import(pathToFileURL(file).href) : require(file);
    } catch (error) {
        if (error instanceof SyntaxError) throw runtimeError("Runtime.UserCodeSyntaxError", String(error), error.stack);
        if (error && error.code === "MODULE_NOT_FOUND")
            throw runtimeError("Runtime.ImportModuleError", String(error), error.stack);
        throw error;
    }
    const handler = exportPath.reduce((object, key) => (object == null ? undefined : object[key]), moduleExports);
    if (typeof handler !== "function")
        throw runtimeError("Runtime.HandlerNotFound", `${spec} is undefined or not exported`);
    return handler;
}

function callHandler(handler, event, context) {
    // Callback-style handlers (three parameters) finish when they call back; others by their promise.
    if (handler.length >= 3) {
        return new Promise((resolve, reject) => {
            const returned = handler(event, context, (error, value) => (error ? reject(error) : resolve(value)));
            if (returned && typeof returned.then === "function") returned.then(resolve, reject);
        });
    }
    return Promise.resolve().then(() => handler(event, context));
}

function send(message) {
    if (process.connected) process.send(message);
}

/** Crashes the environment as the runtime does: report the error to the open invocation, then exit. */
function die(errorType, error, exitCode) {
    const formatted = formatError(error);
    if (currentRequestId)
        send({
            type: "result",
            requestId: currentRequestId,
            ok: false,
            fatal: true,
            ...formatted,
            errorType: errorType ?? formatted.errorType,
        });
    else send({ type: "crash", ...formatted });
    process.stderr.write(`${errorType ?? formatted.errorType}: ${formatted.errorMessage}\n`);
    setImmediate(() => process.exit(exitCode));
}

process.on("unhandledRejection", reason => die("Runtime.UnhandledPromiseRejection", reason, 128));
process.on("uncaughtException", error => die(undefined, error, 129));
// The runner owns this process: when it goes away, so do we.
process.on("disconnect", () => process.exit(0));

loadHandler().then(
    handler => {
        process.on("message", async message => {
            if (!message || message.type !== "invoke") return;
            const { requestId, deadline, meta } = message;
            currentRequestId = requestId;
            const context = {
                ...meta,
                awsRequestId: requestId,
                callbackWaitsForEmptyEventLoop: true,
                getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
            };
            let reply;
            try {
                const value = await callHandler(handler, JSON.parse(message.event), context);
                try {
                    reply = { ok: true, payload: JSON.stringify(value === undefined ? null : value) };
                } catch {
                    reply = {
                        ok: false,
                        errorType: "Runtime.JSONStringifyError",
                        errorMessage: "Unable to stringify response body",
                        trace: [],
                    };
                }
            } catch (error) {
                reply = { ok: false, ...formatError(error) };
            }
            currentRequestId = undefined;
            send({ type: "result", requestId, ...reply });
        });
        send({ type: "ready" });
    },
    error => send({ type: "initError", ...formatError(error) }),
);
