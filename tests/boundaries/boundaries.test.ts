// The dependency rules of the repository (./rules.ts), checked over every source file git knows,
// with a scanner that is itself tested on every form of dependency.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { dependenciesOf } from "./dependencies";
import { areaOf, classify, isLocalService, RULES, violationsOf } from "./rules";

const ROOT = path.resolve(__dirname, "..", "..");

function sourceFiles(): string[] {
    const listed = execFileSync(
        "git",
        ["ls-files", "--cached", "--others", "--exclude-standard", "*.ts", "*.js", "*.mjs"],
        {
            cwd: ROOT,
            encoding: "utf8",
        },
    );
    return listed.split("\n").filter(f => f && !f.includes("node_modules/") && fs.existsSync(path.join(ROOT, f)));
}

describe("dependency boundaries", () => {
    it("the scanner sees every form of dependency, and no mere mention of a path", () => {
        const text = [
            `import a from "./a";`,
            `import type { B } from "./b";`,
            `import "./c";`,
            `export { d } from "./d";`,
            `export * from "./e";`,
            `export type { F } from "./f";`,
            `import g = require("./g");`,
            `const h = require("./h");`,
            `const i = require.resolve("./i");`,
            `const j = import("./j");`,
            "const k = require(`./k`);",
            `type L = typeof import("./l");`,
            `let m: import("./m").M;`,
            `// import n from "./n";`,
            `const o = "./o";`,
        ].join("\n");
        assert.deepEqual(dependenciesOf("x.ts", text), [
            "./a",
            "./b",
            "./c",
            "./d",
            "./e",
            "./f",
            "./g",
            "./h",
            "./i",
            "./j",
            "./k",
            "./l",
            "./m",
        ]);
        assert.deepEqual(dependenciesOf("x.js", `const p = require("./p"); import("./q");`), ["./p", "./q"]);
    });

    it("the rules tell each area apart, and a new folder of local/ is a service with the same rule", () => {
        assert.equal(areaOf("local/sfn/engine/engine.ts"), "local:sfn");
        assert.equal(areaOf("worker-image/lib/worker.ts"), "worker-lib");
        assert.equal(areaOf("index.ts"), "program");
        assert.ok(isLocalService("local:dynamodb") && isLocalService("local:ecs"));
        assert.ok(!isLocalService("local:stack") && !isLocalService("local:shared"));
        assert.deepEqual(classify("local/ecs/endpoint.ts", "../sfn/endpoint"), {
            kind: "file",
            file: "local/sfn/endpoint",
            area: "local:sfn",
        });
        assert.deepEqual(classify("x.ts", "node:fs"), { kind: "package", name: "fs" });
        assert.deepEqual(classify("x.ts", "@pulumi/aws/ecs"), { kind: "package", name: "@pulumi/aws" });
        // Each rule catches what it is about.
        const broken: Array<[string, string]> = [
            ["components/x.ts", "../local/program/plan"],
            ["functions/x.ts", "@pulumi/pulumi"],
            ["functions/x.ts", "../components/names"],
            ["worker-image/job.ts", "../functions/trigger"],
            ["worker-image/lib/x.ts", "../job"],
            ["worker-image/lib/x.ts", "esbuild"],
            ["local/shared/x.ts", "../sfn/endpoint"],
            ["local/ecs/x.ts", "../sfn/endpoint"],
            ["local/dynamodb/x.ts", "../lambda/runner"],
            ["local/lambda/x.ts", "../program/mocks"],
            ["local/ecs/x.ts", "../../components/names"],
            ["local/program/x.ts", "../stack/local-stack"],
            ["local/stack/x.ts", "@pulumi/pulumi"],
            ["bench/x.ts", "@pulumi/pulumi"],
            ["examples/etl/index.ts", "../../components"],
        ];
        for (const [file, specifier] of broken)
            assert.equal(violationsOf(file, [specifier]).length > 0, true, `${file} → ${specifier}`);
        const allowed: Array<[string, string]> = [
            ["local/stack/x.ts", "../sfn/endpoint"],
            ["local/ecs/x.ts", "../shared/account"],
            ["local/program/x.ts", "@pulumi/pulumi"],
            ["components/x.ts", "../functions/trigger"],
            ["examples/etl/index.ts", "fargate-activity-step"],
        ];
        for (const [file, specifier] of allowed)
            assert.deepEqual(violationsOf(file, [specifier]), [], `${file} → ${specifier}`);
    });

    it("every source file keeps every rule", () => {
        const files = sourceFiles();
        assert.ok(files.length > 120, `found only ${files.length} source files`);
        const violations = files.flatMap(file =>
            violationsOf(file, dependenciesOf(file, fs.readFileSync(path.join(ROOT, file), "utf8"))),
        );
        assert.deepEqual(
            violations.map(v => `${v.file} ${v.reason} — ${v.rule}`),
            [],
        );
        assert.equal(RULES.length >= 10, true);
    });

    it("no file lies loose in local/: each belongs to a service, shared/, program/, stack/ or cli/", () => {
        assert.deepEqual(
            sourceFiles().filter(f => areaOf(f) === "local:loose"),
            [],
        );
    });
});
