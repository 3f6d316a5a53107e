// The README's cost tables are generated from local/forecast/prices.json and the forecast itself:
// this fails while the README's copy is stale (regenerate: npx ts-node --transpile-only local/cli/cost-tables.ts --write).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { embeddedCostTables, renderCostTables, replaceCostTables } from "../../../local/forecast/readme-tables";

const README = path.resolve(__dirname, "../../../README.md");

describe("README cost tables", () => {
    it("are the ones prices.json gives", () => {
        const embedded = embeddedCostTables(fs.readFileSync(README, "utf8"));
        assert.ok(embedded, "the README has the cost-tables markers");
        assert.strictEqual(
            embedded,
            renderCostTables(),
            "stale: run npx ts-node --transpile-only local/cli/cost-tables.ts --write",
        );
    });

    it("name every price with its source, and the example's totals per architecture and capacity", () => {
        const tables = renderCostTables();
        assert.match(
            tables,
            /\| Fargate Linux\/X86 \| \$0\.04048 per vCPU-hour, \$0\.004445 per GB-hour \| AWS Fargate pricing page/,
        );
        assert.match(tables, /\| Lambda x86_64 \| \$0\.0000166667 per GB-second, \$0\.0000002 per request \|/);
        assert.match(
            tables,
            /\| \*\*total\*\* \| \*\*\$0\.000\d+\*\* \| \*\*\$0\.000\d+\*\* \| \*\*\$0\.000\d+\*\* \|/,
        );
        assert.throws(() => replaceCostTables("no markers", tables), /no cost-tables markers/);
    });
});
