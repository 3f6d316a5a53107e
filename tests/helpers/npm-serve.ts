// `npm start -- --serve` as a user runs it (through npm), with the environment lines it prints.
import { ChildProcess, spawn } from "child_process";
import { PROJECT_DIR } from "./dev-stack";

export interface Serving {
    npm: ChildProcess;
    /** The printed `export NAME=value` lines. */
    env: Record<string, string>;
    stderr(): string;
}

/** Starts `npm start --silent -- --serve <args>` and resolves once it serves. */
export async function serveWithNpm(args: string[] = [], timeoutMs = 60_000): Promise<Serving> {
    const npm = spawn("npm", ["start", "--silent", "--", "--serve", ...args], {
        cwd: PROJECT_DIR,
        env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
    });
    let stdout = "";
    let stderr = "";
    npm.stdout!.on("data", d => (stdout += d));
    npm.stderr!.on("data", d => (stderr += d));
    const deadline = Date.now() + timeoutMs;
    // The environment lines are written before this notice.
    while (!stderr.includes("Serving until")) {
        if (Date.now() > deadline || npm.exitCode !== null) {
            npm.kill("SIGKILL");
            throw new Error(`npm start --serve did not serve: ${stderr}`);
        }
        await new Promise(r => setTimeout(r, 100));
    }
    const env: Record<string, string> = {};
    for (const m of stdout.matchAll(/^export (\w+)=(.*)$/gm)) env[m[1]] = m[2];
    return { npm, env, stderr: () => stderr };
}
