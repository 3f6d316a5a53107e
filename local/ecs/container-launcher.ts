// How a local "container" runs: by default a Node child process running the worker bundle; in
// --external-workers mode nothing runs (a worker started by hand plays the container).
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
// Plain JavaScript, preloaded into every worker process: V8's compiled code for the bundle, shared.
const { COMPILE_CACHE_PRELOAD } = require("../shared/compile-cache.js") as { COMPILE_CACHE_PRELOAD: string };

export type OutputStream = "stdout" | "stderr";

export interface ContainerLaunch {
    taskId: string;
    taskArn: string;
    containerName: string;
    /** The container definition's image, which the launcher runs (locally: the bundle built for it). */
    image: string;
    environment: Record<string, string>;
    /** Test hook: start, then exit at once with this code instead of running the worker. */
    crashOnStartWithExitCode?: number;
    /** With crashOnStartWithExitCode: live this long first. Default 0. */
    crashAfterMs?: number;
    /** Each complete line the container writes. */
    onOutput(stream: OutputStream, line: string): void;
}

export interface ContainerExit {
    exitCode?: number | null;
    signal?: NodeJS.Signals | null;
}

export interface LaunchedContainer {
    /** Resolves when the container's process exists; rejects (with the reason) when it cannot start. */
    readonly started: Promise<void>;
    /** Resolves once the container has ended (also after a failed start). Never rejects. */
    readonly exited: Promise<ContainerExit>;
    signal(signal: NodeJS.Signals): void;
}

export type ContainerLauncher = (launch: ContainerLaunch) => LaunchedContainer;

/** The exit code Docker (and so ECS) reports: the process's own, or 128 + the signal's number. */
export function exitCodeOf(exit: ContainerExit): number | undefined {
    if (typeof exit.exitCode === "number") return exit.exitCode;
    if (exit.signal) return 128 + (os.constants.signals[exit.signal] ?? 0);
    return undefined;
}

/** Splits a byte stream into lines (a trailing partial line is flushed at the end). */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
    let pending = "";
    return {
        push(chunk) {
            pending += chunk.toString();
            let newline: number;
            while ((newline = pending.indexOf("\n")) >= 0) {
                onLine(pending.slice(0, newline).replace(/\r$/, ""));
                pending = pending.slice(newline + 1);
            }
        },
        end() {
            if (pending) onLine(pending);
            pending = "";
        },
    };
}

export interface NodeLauncherOptions {
    /** Extra `node` flags, e.g. ["--enable-source-maps"]. */
    nodeArgs?: string[];
}

/** The worker script that plays an image locally, or undefined when there is none for it. */
export type BundleForImage = (image: string) => string | undefined;

/**
 * Runs `node <the image's bundle>` per container, stdio piped to the launch's output sink. Given a
 * path instead of a lookup, every image runs that one script.
 */
export function nodeProcessLauncher(
    bundles: string | BundleForImage,
    options: NodeLauncherOptions = {},
): ContainerLauncher {
    const bundleFor: BundleForImage = typeof bundles === "string" ? () => bundles : bundles;
    return launch => {
        const workerBundlePath = bundleFor(launch.image);
        // A missing bundle is the local form of an image that cannot be pulled: the task never starts.
        if (launch.crashOnStartWithExitCode === undefined && (!workerBundlePath || !fs.existsSync(workerBundlePath))) {
            const reason = workerBundlePath
                ? `CannotPullContainerError: worker bundle ${workerBundlePath} not found (build it first)`
                : `CannotPullContainerError: no local worker for image ${launch.image}: the plan builds no worker for it (a step given a ready image URI); run npm start with --worker <entry file>`;
            return { started: Promise.reject(new Error(reason)), exited: Promise.resolve({}), signal() {} };
        }
        const args =
            launch.crashOnStartWithExitCode === undefined
                ? ["--require", COMPILE_CACHE_PRELOAD, ...(options.nodeArgs ?? []), workerBundlePath!]
                : [
                      "-e",
                      `setTimeout(() => process.exit(${Number(launch.crashOnStartWithExitCode)}), ${Number(launch.crashAfterMs ?? 0)})`,
                  ];
        const child = spawn(process.execPath, args, {
            env: launch.environment,
            stdio: ["ignore", "pipe", "pipe"],
            cwd: workerBundlePath ? path.dirname(workerBundlePath) : undefined,
        });
        return containerOf(child, launch);
    };
}

/** A launched child process as a container: its output lines, start, exit and signals. */
export function containerOf(
    child: ChildProcess,
    launch: Pick<ContainerLaunch, "onOutput">,
    describe = "CannotStartContainerError",
): LaunchedContainer {
    const out = lineSplitter(line => launch.onOutput("stdout", line));
    const err = lineSplitter(line => launch.onOutput("stderr", line));
    child.stdout?.on("data", chunk => out.push(chunk));
    child.stderr?.on("data", chunk => err.push(chunk));
    const started = new Promise<void>((resolve, reject) => {
        child.once("spawn", () => resolve());
        child.once("error", error => reject(new Error(`${describe}: ${error.message}`)));
    });
    started.catch(() => undefined); // observed by the endpoint; never an unhandled rejection here
    const exited = new Promise<ContainerExit>(resolve => {
        let done = false;
        const finish = (exit: ContainerExit) => {
            if (done) return;
            done = true;
            out.end();
            err.end();
            resolve(exit);
        };
        child.once("close", (exitCode, signal) => finish({ exitCode, signal }));
        child.once("error", () => {
            if (child.pid === undefined) finish({});
        });
    });
    return {
        started,
        exited,
        signal(signal) {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        },
    };
}

/**
 * --external-workers: records the task and reports it RUNNING at once; nothing runs here. A signal
 * ends it as if the process had died of that signal (StopTask's SIGTERM reports exit code 143).
 */
export function externalWorkersLauncher(): ContainerLauncher {
    return launch => {
        let end!: (exit: ContainerExit) => void;
        const exited = new Promise<ContainerExit>(resolve => (end = resolve));
        if (launch.crashOnStartWithExitCode !== undefined)
            setTimeout(() => end({ exitCode: launch.crashOnStartWithExitCode }), launch.crashAfterMs ?? 0);
        return { started: Promise.resolve(), exited, signal: signal => end({ signal }) };
    };
}
