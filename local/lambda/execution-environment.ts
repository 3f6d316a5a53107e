// One Lambda execution environment: a child process running host.js with the function's
// environment, and the messages it exchanges with it over the IPC channel. The host says "ready"
// (or why its init failed) once, then answers each "invoke" with one "result"; a "crash" is an
// error the handler left behind outside any invocation.
import { ChildProcess, fork } from "child_process";
import * as path from "path";

const HOST_SCRIPT = path.join(__dirname, "host.js");

export type HostMessage =
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

/** What waiting on an environment ends with: a message, the process's exit, or the deadline. */
export type EnvironmentEvent =
    HostMessage | { type: "exit"; code: number | null; signal: NodeJS.Signals | null } | { type: "timeout" };

/** One execution environment: a warm child process. */
type Exit = { code: number | null; signal: NodeJS.Signals | null };

export class ExecutionEnvironment {
    readonly child: ChildProcess;
    readonly exited: Promise<Exit>;
    private listener?: (message: HostMessage) => void;
    /** The waiting next() call's exit handler: one at a time, so a warm process gathers none. */
    private exitListener?: (exit: Exit) => void;
    private exit?: Exit;
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
                this.exit = { code, signal };
                resolve(this.exit);
                this.exitListener?.(this.exit);
            }),
        );
        this.child.on("message", message => this.listener?.(message as HostMessage));
        this.child.on("error", () => undefined); // an IPC send to a dying process; its exit is handled
    }

    /** The next message from the host, or its exit, or the deadline; whichever comes first. */
    next(timeoutMs: number): Promise<EnvironmentEvent> {
        const exit = this.exit;
        if (exit) return Promise.resolve({ type: "exit", ...exit });
        return new Promise(resolve => {
            const timer = setTimeout(() => done({ type: "timeout" }), timeoutMs);
            const done = (value: EnvironmentEvent) => {
                clearTimeout(timer);
                this.listener = undefined;
                this.exitListener = undefined;
                resolve(value);
            };
            this.listener = message => done(message);
            // Not `this.exited.then(…)`: each call would add a reaction the warm process keeps until it exits.
            this.exitListener = ended => done({ type: "exit", ...ended });
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
