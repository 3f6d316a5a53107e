// Prints the README's cost tables, generated from local/forecast/prices.json; with --write,
// replaces them in README.md (tests/local/forecast/readme-tables.test.ts fails while they are stale).
// Run: npx ts-node --transpile-only local/cli/cost-tables.ts [--write]
import * as fs from "fs";
import * as path from "path";
import { renderCostTables, replaceCostTables } from "../forecast/readme-tables";

if (require.main === module) {
    const tables = renderCostTables();
    if (process.argv.includes("--write")) {
        const readmePath = path.join(__dirname, "..", "..", "README.md");
        fs.writeFileSync(readmePath, replaceCostTables(fs.readFileSync(readmePath, "utf8"), tables));
        process.stderr.write(`cost tables written to ${readmePath}\n`);
    } else process.stdout.write(tables + "\n");
}
