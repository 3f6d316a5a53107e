// Loaded by mocha (see .mocharc.json): in parallel mode, where root hooks run once per test file,
// records how long each file took, for scripts/test-order.ts to run the slowest first next time.
// A line per file, appended: workers finish files concurrently, and an append of one short line
// is never interleaved with another.
import * as fs from "fs";
import * as path from "path";
import { DURATIONS_LOG } from "../../scripts/test-order";

const ROOT = path.resolve(__dirname, "..", "..");
let started = 0;

export const mochaHooks = {
    beforeAll(): void {
        started = Date.now();
    },
    afterAll(this: Mocha.Context): void {
        if (process.env.MOCHA_WORKER_ID === undefined) return; // serial mode: one root for all files
        const root = this.test?.parent;
        const file = root?.file ?? root?.suites[0]?.file;
        if (!file) return;
        try {
            fs.mkdirSync(path.dirname(DURATIONS_LOG), { recursive: true });
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            fs.appendFileSync(DURATIONS_LOG, `${seconds} ${path.relative(ROOT, file)}\n`);
        } catch {
            // a read-only or full disk only loses the ordering
        }
    },
};
