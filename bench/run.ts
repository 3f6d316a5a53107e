// `npm run bench [-- <name> ...]`: runs every bench/*.bench.ts (or only those named, e.g.
// `worker-startup`) one after the other and prints one table. Each module exports
// `run(): Promise<BenchRow[]>`. Exit code 1 when a benchmark threw.
import * as fs from "fs";
import * as path from "path";

export interface BenchRow {
    name: string;
    value: string;
    target?: string;
    note?: string;
}

export interface BenchModule {
    run(): Promise<BenchRow[]>;
}

export function discoverBenchmarks(dir = __dirname): Array<{ name: string; file: string }> {
    return fs
        .readdirSync(dir)
        .filter(f => f.endsWith(".bench.ts"))
        .sort()
        .map(f => ({ name: f.slice(0, -".bench.ts".length), file: path.join(dir, f) }));
}

/** A plain-text table; long notes wrap under their row. */
export function formatTable(rows: Array<BenchRow & { bench: string }>): string {
    const headers = ["bench", "measure", "value", "target"];
    const cells = rows.map(r => [r.bench, r.name, r.value, r.target ?? ""]);
    const widths = headers.map((h, i) => Math.max(h.length, ...cells.map(c => c[i].length)));
    const line = (c: string[]) =>
        c
            .map((s, i) => s.padEnd(widths[i]))
            .join("  ")
            .trimEnd();
    const out = [line(headers), widths.map(w => "-".repeat(w)).join("  ")];
    rows.forEach((r, i) => {
        out.push(line(cells[i]));
        if (r.note) out.push(`${" ".repeat(widths[0] + 2)}↳ ${r.note}`);
    });
    return out.join("\n");
}

async function main(): Promise<void> {
    const wanted = process.argv.slice(2).filter(a => !a.startsWith("-"));
    const all = discoverBenchmarks();
    const unknown = wanted.filter(w => !all.some(b => b.name === w));
    if (unknown.length > 0) {
        console.error(`unknown benchmark(s): ${unknown.join(", ")}; available: ${all.map(b => b.name).join(", ")}`);
        process.exit(2);
    }
    const selected = wanted.length > 0 ? all.filter(b => wanted.includes(b.name)) : all;
    const rows: Array<BenchRow & { bench: string }> = [];
    let failed = false;
    for (const bench of selected) {
        const started = Date.now();
        process.stderr.write(`running ${bench.name}...\n`);
        try {
            const mod = require(bench.file) as BenchModule;
            if (typeof mod.run !== "function") throw new Error(`${bench.file} does not export run()`);
            for (const row of await mod.run()) rows.push({ bench: bench.name, ...row });
        } catch (err) {
            failed = true;
            rows.push({ bench: bench.name, name: "ERROR", value: String((err as Error)?.message ?? err) });
        }
        process.stderr.write(`${bench.name} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    }
    console.log(formatTable(rows));
    if (failed) process.exitCode = 1;
}

if (require.main === module) {
    main().catch(err => {
        console.error(err);
        process.exit(1);
    });
}
