// A `--serve` runtime for the benchmarks that drive it from outside: started through npm, as a user
// runs it (`npm start --silent -- --serve …`; the script execs the runtime, so npm's child is the
// runtime process), or as the runtime process itself; resolved once it serves, with the
// `export NAME=value` lines it printed.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { descendantsOf } from "../local/cli/descendants";
import { exited, ROOT } from "./orchestration.bench";

export interface ServeProcess {
    /** The process started: npm, or the runtime itself. */
    proc: ChildProcess;
    /** The printed environment lines. */
    env: Record<string, string>;
    /** The runtime's process id: the process started, or npm's child. */
    runtimePid(): number | undefined;
    /** SIGTERM, and the process has ended. */
    stop(): Promise<void>;
}

export async function startServe(args: string[], options: { viaNpm: boolean }): Promise<ServeProcess> {
    const env = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };
    const proc = options.viaNpm
        ? spawn("npm", ["start", "--silent", "--", "--serve", ...args], { cwd: ROOT, env })
        : spawn(
              process.execPath,
              ["-r", path.join(ROOT, "scripts", "ts-register.js"), "local/cli/start.ts", "--serve", ...args],
              { cwd: ROOT, env },
          );
    let stdout = "";
    let stderr = "";
    proc.stdout!.on("data", d => (stdout += d));
    // The Lambda logs of every execution: read and dropped, keeping only the start for errors.
    proc.stderr!.on("data", d => (stderr = stderr.length < 20_000 ? stderr + d : stderr));
    const deadline = Date.now() + 60_000;
    while (!stderr.includes("Serving until")) {
        if (Date.now() > deadline || proc.exitCode !== null) {
            proc.kill("SIGKILL");
            throw new Error(`--serve did not start: ${stderr}`);
        }
        await new Promise(r => setTimeout(r, 100));
    }
    const printed: Record<string, string> = {};
    for (const m of stdout.matchAll(/^export (\w+)=(.*)$/gm)) printed[m[1]] = m[2];
    return {
        proc,
        env: printed,
        runtimePid: () => (options.viaNpm ? descendantsOf(proc.pid!)[0] : proc.pid),
        async stop() {
            proc.kill("SIGTERM");
            await exited(proc);
        },
    };
}
