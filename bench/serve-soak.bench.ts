// A long `npm start -- --serve` session: 10,000 executions (SOAK_EXECUTIONS) of a zero-length job
// through one runtime process with --external-workers, played by one long-lived worker (the
// repository's worker bundle, MAX_TASKS high), 16 executions in flight. Reports the rate of each
// thousand (it must stay flat: nothing grows per execution) and the runtime's resident memory after
// each thousand and at the end, against the bound the README states.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import type { BenchRow } from "./run";
import { exited, privateWorkerBundle } from "./orchestration.bench";
import { startServe } from "./serve-process";
import { descendantsOf } from "../local/cli/descendants";

const EXECUTIONS = Number(process.env.SOAK_EXECUTIONS ?? 10_000);
const IN_FLIGHT = 16;
/** The README's bound on the runtime process's resident memory after 10,000 executions. */
export const RSS_BOUND_MIB = 400;

/** Resident memory of a process in MiB (Linux /proc), 0 when it cannot be read. */
function rssMiB(pid: number): number {
    try {
        const kb = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
        return kb ? Number(kb) / 1024 : 0;
    } catch {
        return 0;
    }
}

function startWorker(bundle: string, env: Record<string, string>): ChildProcess {
    return spawn(process.execPath, [bundle], {
        env: {
            PATH: process.env.PATH,
            HOME: os.tmpdir(),
            ...env,
            MAX_TASKS: String(EXECUTIONS * 2),
            IDLE_TIMEOUT_SECONDS: "600",
            HEARTBEAT_SECONDS: "60",
            WORKER_NAME: "soak",
            LOG_LEVEL: "error",
            AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        },
        stdio: "ignore",
    });
}

async function runOne(sfn: SFNClient, stateMachineArn: string): Promise<void> {
    const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"durationMs":0}' }));
    for (;;) {
        await new Promise(r => setTimeout(r, 20));
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        if (d.status === "SUCCEEDED") return;
        if (d.status !== "RUNNING") throw new Error(`${executionArn} ${d.status}: ${d.error} ${d.cause}`);
    }
}

export async function run(): Promise<BenchRow[]> {
    const bundle = await privateWorkerBundle();
    const serving = await startServe(["--external-workers"], { viaNpm: false });
    const { proc: runtime, env } = serving;
    const worker = startWorker(bundle.path, env);
    const sfn = new SFNClient({
        region: env.AWS_REGION,
        endpoint: env.AWS_ENDPOINT_URL_SFN,
        credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    const thousands: { seconds: number; rss: number; children: number }[] = [];
    try {
        let next = 0;
        let done = 0;
        let mark = performance.now();
        const lane = async () => {
            while (next < EXECUTIONS) {
                next++;
                await runOne(sfn, env.STATE_MACHINE_ARN);
                if (++done % 1000 === 0 || done === EXECUTIONS) {
                    const now = performance.now();
                    const children = descendantsOf(runtime.pid!).reduce((sum, pid) => sum + rssMiB(pid), 0);
                    thousands.push({ seconds: (now - mark) / 1000, rss: rssMiB(runtime.pid!), children });
                    mark = now;
                    process.stderr.write(`  ${done} executions: ${JSON.stringify(thousands.at(-1))}\n`);
                }
            }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
    } finally {
        sfn.destroy();
        worker.kill("SIGTERM");
        runtime.kill("SIGTERM");
        await Promise.all([exited(worker), exited(runtime)]);
        bundle.remove();
    }
    return report(thousands);
}

function report(thousands: { seconds: number; rss: number; children: number }[]): BenchRow[] {
    const rate = (t: { seconds: number }) => 1000 / t.seconds;
    const first = thousands[0];
    const last = thousands.at(-1)!;
    const end = last.rss;
    return [
        {
            name: `${EXECUTIONS} executions through one --serve (--external-workers, one worker)`,
            value: `${thousands.reduce((s, t) => s + t.seconds, 0).toFixed(0)} s`,
            note: `per thousand: ${thousands.map(t => rate(t).toFixed(0)).join(", ")} executions/s`,
        },
        {
            name: "rate, last thousand / first thousand",
            value: `${(rate(last) / rate(first)).toFixed(2)}×`,
            target: "≥ 0.8× (flat)",
        },
        {
            name: "runtime resident memory at the end",
            value: `${end.toFixed(0)} MiB`,
            target: `≤ ${RSS_BOUND_MIB} MiB`,
            note: `after each thousand: ${thousands.map(t => t.rss.toFixed(0)).join(", ")} MiB; its child processes ${last.children.toFixed(0)} MiB`,
        },
    ];
}
