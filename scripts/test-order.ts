// The order `npm test` hands its test files to mocha's parallel workers: slowest first, by each
// file's last recorded duration (tests/helpers/file-durations.ts writes them), as Jest schedules
// by its previous run's timings. Mocha queues the files in the order given; a long file left for
// last runs alone while the other workers idle. Files with no record yet go first.
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
export const DURATIONS_LOG = path.join(ROOT, "node_modules", ".cache", "mocha-file-durations.log");

/** Every `*.test.ts` under `dir`, relative to the root, in a stable order. */
export function testFiles(dir = path.join(ROOT, "tests")): string[] {
    return fs
        .readdirSync(dir, { withFileTypes: true })
        .flatMap(entry => {
            const full = path.join(dir, entry.name);
            if (entry.isDirectory()) return entry.name === "node_modules" ? [] : testFiles(full);
            return entry.name.endsWith(".test.ts") ? [path.relative(ROOT, full)] : [];
        })
        .sort();
}

/** The last duration (seconds) recorded per file, from lines `<seconds> <relative file>`. */
export function lastDurations(log: string): Map<string, number> {
    const durations = new Map<string, number>();
    for (const line of log.split("\n")) {
        const match = /^(\d+(?:\.\d+)?) (.+)$/.exec(line.trim());
        if (match) durations.set(match[2], Number(match[1]));
    }
    return durations;
}

/** Files without a record first (in their given order), then the rest slowest first. */
export function slowestFirst(files: string[], durations: Map<string, number>): string[] {
    const known = (file: string) => durations.get(file) ?? Infinity;
    return files
        .map((file, index) => ({ file, index }))
        .sort((a, b) => known(b.file) - known(a.file) || a.index - b.index)
        .map(({ file }) => file);
}

/** The suite's files in run order; the log is rewritten with only each file's last duration. */
export function orderedTestFiles(): string[] {
    const files = testFiles();
    let durations = new Map<string, number>();
    try {
        durations = lastDurations(fs.readFileSync(DURATIONS_LOG, "utf8"));
        const kept = files.filter(f => durations.has(f)).map(f => `${durations.get(f)} ${f}\n`);
        fs.writeFileSync(DURATIONS_LOG, kept.join(""));
    } catch {
        // no record yet (a fresh clone): the given order
    }
    return slowestFirst(files, durations);
}
