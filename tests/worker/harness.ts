// Test helpers: a local Step Functions endpoint, and the bundled worker as a real child process
// talking to it through the real SDK (AWS_ENDPOINT_URL_SFN). Every process started here is killed
// by `killWorkers()` (call it in afterEach).
import { ChildProcess, spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import { ActivityStore } from "../../local/sfn/activity-store";
import { StepFunctionsEndpoint, startStepFunctionsEndpoint } from "../../local/sfn/endpoint";
import { ensureWorkerBundle, WORKER_BUNDLE } from "../../scripts/build-worker";

export { ensureWorkerBundle };

export interface LocalSfn {
    store: ActivityStore;
    endpoint: StepFunctionsEndpoint;
    activityArn: string;
    close(): Promise<void>;
}

export async function startLocalSfn(
    options: { maxPollSeconds?: number; activityName?: string } = {},
): Promise<LocalSfn> {
    const store = new ActivityStore({ maxPollSeconds: options.maxPollSeconds ?? 2 });
    const endpoint = await startStepFunctionsEndpoint({ store });
    const { activityArn } = store.createActivity(options.activityName ?? "worker-test");
    return {
        store,
        endpoint,
        activityArn,
        close: async () => {
            await endpoint.close();
            store.close();
        },
    };
}

export interface ExitInfo {
    code: number | null;
    signal: NodeJS.Signals | null;
    /** Date.now() at exit. */
    at: number;
}

export interface WorkerProcess {
    child: ChildProcess;
    startedAt: number;
    /** Parsed stdout lines (a line that is not JSON fails the test that reads it). */
    logs(): any[];
    stdout(): string;
    stderr(): string;
    exit: Promise<ExitInfo>;
    /** Resolves with the first log line with this event (already seen or to come). */
    waitForLog(event: string, timeoutMs?: number): Promise<any>;
    /** The exit, or a rejection after `timeoutMs` (the process is then killed). */
    waitForExit(timeoutMs?: number): Promise<ExitInfo>;
    running(): boolean;
}

const live = new Set<ChildProcess>();

/** The environment of a worker pointed at `sfn`, isolated from this machine's ~/.aws. */
export function workerEnv(
    sfn: LocalSfn | undefined,
    extra: Record<string, string | undefined> = {},
): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH,
        HOME: os.tmpdir(),
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
        AWS_CONFIG_FILE: path.join(os.tmpdir(), "no-such-aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: path.join(os.tmpdir(), "no-such-aws-credentials"),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        WORKER_NAME: "test-worker",
        ...(sfn ? { AWS_ENDPOINT_URL_SFN: sfn.endpoint.url, ACTIVITY_ARN: sfn.activityArn } : {}),
    };
    for (const [k, v] of Object.entries(extra)) {
        if (v === undefined) delete env[k];
        else env[k] = v;
    }
    return env;
}

/** Runs `node worker-image/dist/worker.js` (build it first with ensureWorkerBundle()). */
export function spawnWorker(env: NodeJS.ProcessEnv, script = WORKER_BUNDLE): WorkerProcess {
    const startedAt = Date.now();
    const child = spawn(process.execPath, [script], { env, stdio: ["ignore", "pipe", "pipe"] });
    live.add(child);
    let out = "";
    let err = "";
    child.stdout!.setEncoding("utf8").on("data", d => (out += d));
    child.stderr!.setEncoding("utf8").on("data", d => (err += d));
    const exit = new Promise<ExitInfo>(resolve =>
        child.once("close", (code, signal) => {
            live.delete(child);
            resolve({ code, signal, at: Date.now() });
        }),
    );
    const logs = () =>
        out
            .split("\n")
            .filter(l => l.trim())
            .map(l => {
                try {
                    return JSON.parse(l);
                } catch {
                    throw new Error(`worker stdout line is not JSON: ${l}`);
                }
            });
    let exited = false;
    void exit.then(() => (exited = true));
    const self: WorkerProcess = {
        child,
        startedAt,
        logs,
        stdout: () => out,
        stderr: () => err,
        exit,
        running: () => !exited,
        waitForLog: (event, timeoutMs = 10_000) =>
            new Promise((resolve, reject) => {
                const deadline = Date.now() + timeoutMs;
                const check = () => {
                    const hit = logs().find(l => l.event === event);
                    if (hit) return resolve(hit);
                    if (exited)
                        return reject(
                            new Error(`worker exited without logging ${event}; stdout:\n${out}\nstderr:\n${err}`),
                        );
                    if (Date.now() > deadline)
                        return reject(new Error(`no ${event} log within ${timeoutMs} ms; stdout:\n${out}`));
                    setTimeout(check, 20);
                };
                check();
            }),
        waitForExit: async (timeoutMs = 10_000) => {
            let timer: NodeJS.Timeout | undefined;
            const timeout = new Promise<never>((_, reject) => {
                timer = setTimeout(() => {
                    child.kill("SIGKILL");
                    reject(new Error(`worker did not exit within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`));
                }, timeoutMs);
            });
            try {
                return await Promise.race([exit, timeout]);
            } finally {
                clearTimeout(timer);
            }
        },
    };
    return self;
}

/** Kills every worker process still running and waits for them to go. */
export async function killWorkers(): Promise<void> {
    const waits = [...live].map(
        child =>
            new Promise<void>(resolve => {
                child.once("close", () => resolve());
                child.kill("SIGKILL");
            }),
    );
    await Promise.all(waits);
}

export function delay(ms: number): Promise<void> {
    return new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls `predicate` every 10 ms until true, or fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await delay(10);
    }
}
