// `npm test`: the static checks (type check and API report, then formatting and lint) run beside
// mocha rather than before it. The suite mostly waits on timers and processes, so the checks' 20 s
// of compiling fit into the idle CPU. Mocha's report streams live; each check's output is printed
// after it, under its name, and any failure fails the run (exit code 1, or mocha's own).
import { spawn } from "child_process";
import * as path from "path";
import { orderedTestFiles } from "./test-order";

const { COMPILE_CACHE_DIR } = require("../local/shared/compile-cache.js") as { COMPILE_CACHE_DIR: string };

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

interface Step {
    name: string;
    command: string;
    args: string[];
}

const TS_NODE = ["-r", path.join(__dirname, "ts-register.js")];

// Each check keeps what it learnt about unchanged files, as the tools themselves offer: tsc's build
// info beside the declarations it emitted (delete build/ and both go), Prettier's and ESLint's
// caches keyed by file content (a checkout's timestamps say nothing), each under
// node_modules/.cache. A cold run (a fresh clone) checks everything; a warm one only what changed.
const TYPECHECK_ARGS = ["-p", ".", "--declaration", "--emitDeclarationOnly", "--outDir", "build/types"];
const INCREMENTAL = ["--incremental", "--tsBuildInfoFile", "build/types/.tsbuildinfo"];
const PRETTIER_CACHE = ["--cache", "--cache-strategy", "content"];
const ESLINT_CACHE = ["--cache", "--cache-strategy", "content", "--cache-location", "node_modules/.cache/eslint/"];

/** Each list runs in order; the lists run side by side. */
const CHECKS: Step[][] = [
    [
        { name: "type check", command: path.join(BIN, "tsc"), args: [...TYPECHECK_ARGS, ...INCREMENTAL] },
        { name: "API report", command: process.execPath, args: [...TS_NODE, "scripts/api-report.ts"] },
    ],
    [
        { name: "formatting", command: path.join(BIN, "prettier"), args: ["--check", ".", ...PRETTIER_CACHE] },
        { name: "lint", command: path.join(BIN, "eslint"), args: [".", ...ESLINT_CACHE] },
    ],
];

function run(step: Step, output: "inherit" | "buffer"): Promise<{ code: number; text: string }> {
    return new Promise(resolve => {
        const child = spawn(step.command, step.args, {
            cwd: ROOT,
            stdio: output === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
            // V8's compiled code for the tools themselves (tsc alone is 9 MB of JavaScript).
            env: { ...process.env, NODE_COMPILE_CACHE: COMPILE_CACHE_DIR },
        });
        let text = "";
        child.stdout?.on("data", chunk => (text += chunk));
        child.stderr?.on("data", chunk => (text += chunk));
        child.on("error", err => resolve({ code: 1, text: `${text}${err.message}\n` }));
        child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), text }));
    });
}

/** Runs the steps in order, stopping at the first failure; returns what each printed. */
async function runChain(steps: Step[]): Promise<Array<{ step: Step; code: number; text: string }>> {
    const results = [];
    for (const step of steps) {
        const result = await run(step, "buffer");
        results.push({ step, ...result });
        if (result.code !== 0) break;
    }
    return results;
}

async function main(): Promise<number> {
    const mochaArgs = process.argv.slice(2);
    const checks = Promise.all(CHECKS.map(runChain));
    const mocha = await run(
        {
            name: "mocha",
            command: path.join(BIN, "mocha"),
            args: mochaArgs.length ? mochaArgs : orderedTestFiles(),
        },
        "inherit",
    );
    let failed = false;
    for (const result of (await checks).flat()) {
        const verdict = result.code === 0 ? "passed" : `FAILED (exit code ${result.code})`;
        process.stdout.write(`\n${result.step.name}: ${verdict}\n${result.code === 0 ? "" : result.text}`);
        failed ||= result.code !== 0;
    }
    return mocha.code !== 0 ? mocha.code : failed ? 1 : 0;
}

main().then(
    code => process.exit(code),
    err => {
        console.error(err);
        process.exit(1);
    },
);
