// What a developer waits for: from typing `npm start` to the first history row on the terminal
// (median of 3), next to `npm start -- --help` (npm, ts-node and the CLI's modules, no stack) measured
// interleaved in the same run; and the whole `npm test` (opt-in: BENCH_FULL_TEST=1, about two minutes).
// Each command runs in its own process group, ended as Ctrl-C would end it (SIGINT to the group),
// then SIGKILL if it lingers: no worker or Lambda process outlives a measurement.
import { ChildProcess, spawn } from "child_process";
import * as path from "path";
import { median } from "./orchestration.bench";
import type { BenchRow } from "./run";

const ROOT = path.resolve(__dirname, "..");
const START_ROUNDS = 3;
// "   1     0.000s  ExecutionStarted   …": the id, the elapsed time, the type.
const FIRST_ROW = /^\s+1\s.*\bExecutionStarted\b/;
const START_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 900_000;

function npm(args: string[]): ChildProcess {
    // Its own process group (detached), so the whole tree can be signalled at once.
    return spawn("npm", args, {
        cwd: ROOT,
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, FORCE_COLOR: "0" },
    });
}

function gone(child: ChildProcess): Promise<void> {
    return new Promise(resolve =>
        child.exitCode !== null || child.signalCode !== null ? resolve() : child.once("close", () => resolve()),
    );
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
        process.kill(-child.pid!, signal);
    } catch {
        // the group has ended
    }
}

/** Ctrl-C for the whole group, then SIGKILL after `graceMs`; resolves when npm itself has exited. */
async function endGroup(child: ChildProcess, graceMs = 20_000): Promise<void> {
    signalGroup(child, "SIGINT");
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
    await gone(child);
    clearTimeout(timer);
    // Stragglers of the group (a worker that ignored SIGINT) go too.
    signalGroup(child, "SIGKILL");
}

/** ms from spawning `npm start` until a stdout line matches FIRST_ROW. */
async function untilFirstRow(args: string[]): Promise<number> {
    const t0 = performance.now();
    const child = npm(args);
    let stderr = "";
    child.stderr!.on("data", c => (stderr = (stderr + c).slice(-2000)));
    try {
        return await new Promise<number>((resolve, reject) => {
            let pending = "";
            child.stdout!.on("data", chunk => {
                pending += chunk.toString();
                const lines = pending.split("\n");
                pending = lines.pop()!;
                if (lines.some(line => FIRST_ROW.test(line))) resolve(performance.now() - t0);
            });
            child.once("close", code =>
                reject(
                    new Error(
                        `npm ${args.join(" ")} exited ${code} before its first history row: ${stderr.trim().split("\n").slice(-3).join(" ")}`,
                    ),
                ),
            );
            setTimeout(
                () => reject(new Error(`no history row within ${START_TIMEOUT_MS} ms`)),
                START_TIMEOUT_MS,
            ).unref();
        });
    } finally {
        await endGroup(child);
    }
}

/** ms until the command exits on its own (exit code 0 required). */
async function untilExit(
    args: string[],
    timeoutMs: number,
): Promise<{ ms: number; code: number | null; tail: string; firstOutputMs?: number }> {
    const t0 = performance.now();
    const child = npm(args);
    let out = "";
    let firstOutputMs: number | undefined;
    let header = 2; // npm's own "> name@version script" and "> command" lines come first
    child.stdout!.on("data", c => {
        const text = c.toString();
        if (firstOutputMs === undefined) {
            for (const line of text.split("\n")) {
                if (/^> /.test(line)) header--;
                else if (line.trim() !== "" && header <= 0) {
                    firstOutputMs = performance.now() - t0;
                    break;
                }
            }
        }
        out = (out + text).slice(-20_000);
    });
    child.stderr!.on("data", c => (out = (out + c).slice(-20_000)));
    const timer = setTimeout(() => void endGroup(child, 5000), timeoutMs);
    await gone(child);
    clearTimeout(timer);
    const ms = performance.now() - t0;
    signalGroup(child, "SIGKILL"); // anything the run left in its group
    return { ms, code: child.exitCode, tail: out, firstOutputMs };
}

const sec = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function run(): Promise<BenchRow[]> {
    // Warm-up: the OS file cache for npm, ts-node and the program (not counted).
    await untilExit(["start", "--", "--help"], START_TIMEOUT_MS);
    const help: number[] = [];
    const start: number[] = [];
    for (let i = 0; i < START_ROUNDS; i++) {
        const h = await untilExit(["start", "--", "--help"], START_TIMEOUT_MS);
        if (h.code !== 0) throw new Error(`npm start -- --help exited ${h.code}: ${h.tail.slice(-300)}`);
        help.push(h.ms);
        start.push(await untilFirstRow(["start"]));
    }
    const floor = median(help);
    const first = median(start);
    const rows: BenchRow[] = [
        {
            name: "floor: `npm start -- --help` (npm + ts-node + CLI modules)",
            value: sec(floor),
            note: `median of ${help.length}: ${help.map(sec).join(", ")}`,
        },
        {
            name: "`npm start` → first history row (ExecutionStarted)",
            value: sec(first),
            target: "≤ 5 s",
            note: `median of ${start.length}: ${start.map(sec).join(", ")}; ${(first / floor).toFixed(2)}× the --help floor (the difference: planning the program under mocks, the worker bundle check, the endpoints)`,
        },
    ];

    if (process.env.BENCH_FULL_TEST !== "1") {
        rows.push({ name: "`npm test` wall time", value: "skipped (set BENCH_FULL_TEST=1)", target: "≤ 120 s" });
        return rows;
    }
    const test = await untilExit(["test"], TEST_TIMEOUT_MS);
    // mocha's summary: "N passing (Xs)", "M failing", "K pending" (its own duration is rounded to
    // minutes past 60 s: the first line mocha prints marks the end of the type-check instead).
    const passing = /(\d+) passing \(([^)]+)\)/.exec(test.tail);
    const failing = /(\d+) failing/.exec(test.tail);
    const pendingTests = /(\d+) pending/.exec(test.tail);
    rows.push({
        name: "`npm test` wall time (tsc --noEmit + mocha)",
        value: sec(test.ms),
        target: "≤ 120 s",
        note:
            `exit ${test.code}; ${passing ? `${passing[1]} passing` : "no mocha summary"}${failing ? `, ${failing[1]} failing` : ""}${pendingTests ? `, ${pendingTests[1]} pending` : ""}` +
            (test.firstOutputMs !== undefined
                ? `; mocha's first line at ${sec(test.firstOutputMs)} (tsc --noEmit, then mocha, ts-node and the examples hook starting), tests ${sec(test.ms - test.firstOutputMs)}`
                : ""),
    });
    return rows;
}
