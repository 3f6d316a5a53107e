// `npm test`: the static checks (type check and API report, then formatting and lint) run beside
// mocha rather than before it. The suite mostly waits on timers and processes, so the checks' 20 s
// of compiling fit into the idle CPU. Mocha's report streams live; each check's output is printed
// after it, under its name, and any failure fails the run (exit code 1, or mocha's own).
import { spawn } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
const BIN = path.join(ROOT, "node_modules", ".bin");

interface Step {
    name: string;
    command: string;
    args: string[];
}

const TS_NODE = ["-r", path.join(__dirname, "ts-register.js")];

/** Each list runs in order; the lists run side by side. */
const CHECKS: Step[][] = [
    [
        {
            name: "type check",
            command: path.join(BIN, "tsc"),
            args: ["-p", ".", "--declaration", "--emitDeclarationOnly", "--outDir", "build/types"],
        },
        { name: "API report", command: process.execPath, args: [...TS_NODE, "scripts/api-report.ts"] },
    ],
    [
        { name: "formatting", command: path.join(BIN, "prettier"), args: ["--check", "."] },
        { name: "lint", command: path.join(BIN, "eslint"), args: ["."] },
    ],
];

function run(step: Step, output: "inherit" | "buffer"): Promise<{ code: number; text: string }> {
    return new Promise(resolve => {
        const child = spawn(step.command, step.args, {
            cwd: ROOT,
            stdio: output === "inherit" ? "inherit" : ["ignore", "pipe", "pipe"],
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
            args: mochaArgs.length ? mochaArgs : ["tests/**/*.test.ts"],
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
