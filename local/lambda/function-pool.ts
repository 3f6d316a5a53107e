// The warm execution environments of one function version. Concurrent invocations get more
// environments, up to a cap, as Lambda scales out; past the cap they wait for one to be freed.
import { ExecutionEnvironment } from "./execution-environment";
import { LambdaFunctionConfig, LambdaOutputLine } from "./types";

export interface Lease {
    env: ExecutionEnvironment;
    /** A new process: wait for its init before invoking. */
    cold: boolean;
}

/** The warm environments of one function version (code + configuration). */
export class FunctionPool {
    private readonly idle: ExecutionEnvironment[] = [];
    private readonly all = new Set<ExecutionEnvironment>();
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
        let warm: ExecutionEnvironment | undefined;
        while ((warm = this.idle.pop())) {
            if (warm.alive) return Promise.resolve({ env: warm, cold: false });
            this.all.delete(warm); // died while idle (a crash after its invocation): Lambda would not reuse it
        }
        if (this.all.size < this.max) return Promise.resolve({ env: this.spawn(), cold: true });
        return new Promise(resolve => this.waiting.push(resolve));
    }

    private spawn(): ExecutionEnvironment {
        const env = new ExecutionEnvironment(this.codeDir, this.env, (stream, line) =>
            this.onLine({ functionName: this.config.functionName, stream, line }),
        );
        this.all.add(env);
        return env;
    }

    release(env: ExecutionEnvironment): void {
        if (this.retired || !env.alive) {
            void this.discard(env);
            return;
        }
        const next = this.waiting.shift();
        if (next) next({ env, cold: false });
        else this.idle.push(env);
    }

    async discard(env: ExecutionEnvironment): Promise<void> {
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
