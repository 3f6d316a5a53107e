// The state machine diagram: what definitionToMermaid draws for each kind of state, that its text
// stays inside the Mermaid subset it means to emit, and that the README's copy is not stale.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { definitionToMermaid, describeCondition, escapeLabel, mermaidIds } from "../../../local/cli/mermaid";
import { TS_REGISTER } from "../../helpers/dev-stack";
import {
    DIAGRAM_END,
    DIAGRAM_START,
    embeddedDiagram,
    parseDiagramArgs,
    renderProjectDiagram,
    replaceEmbeddedDiagram,
} from "../../../local/cli/diagram";

const ROOT = path.resolve(__dirname, "../../..");
const LAMBDA = "arn:aws:lambda:us-east-1:000000000000:function:f";
const ACTIVITY = "arn:aws:states:us-east-1:000000000000:activity:a";

/** Every kind of state, a nested Map in a two-branch Parallel, and names Mermaid would choke on. */
const KITCHEN_SINK = {
    StartAt: 'check "input" [v2]',
    States: {
        'check "input" [v2]': {
            Type: "Choice",
            Choices: [
                { Variable: "$.kind", StringEquals: "a|b <x>", Next: "fan out" },
                {
                    And: [
                        { Variable: "$.n", NumericGreaterThanEquals: 3 },
                        { Not: { Variable: "$.skip", IsPresent: true } },
                    ],
                    Next: "each item",
                },
            ],
            Default: "bad input",
        },
        "fan out": {
            Type: "Parallel",
            Branches: [
                {
                    StartAt: "left #1",
                    States: { "left #1": { Type: "Task", Resource: "arn:aws:states:::ecs:runTask.sync", End: true } },
                },
                {
                    StartAt: "pause",
                    States: {
                        pause: { Type: "Wait", Seconds: 30, Next: "inner map" },
                        "inner map": {
                            Type: "Map",
                            ItemProcessor: { StartAt: "item", States: { item: { Type: "Pass", End: true } } },
                            End: true,
                        },
                    },
                },
            ],
            Next: "done",
        },
        "each item": {
            Type: "Map",
            ItemsPath: "$.items",
            MaxConcurrency: 5,
            Iterator: {
                StartAt: "work",
                States: {
                    work: {
                        Type: "Task",
                        Resource: LAMBDA,
                        Retry: [
                            { ErrorEquals: ["States.TaskFailed"], MaxAttempts: 2 },
                            { ErrorEquals: ["States.Timeout"], MaxAttempts: 0 },
                        ],
                        Catch: [{ ErrorEquals: ["States.TaskFailed", "Custom.Error"], Next: "item failed" }],
                        End: true,
                    },
                    "item failed": { Type: "Fail", Error: "Item" },
                },
            },
            Next: "done",
            Catch: [{ ErrorEquals: ["States.ALL"], Next: "bad input" }],
        },
        "bad input": { Type: "Fail", Error: "BadInput" },
        done: { Type: "Succeed" },
    },
};

/** The shape of the state machine this program deploys (see index.ts), built by hand. */
const STEP_LIKE = {
    StartAt: "run-ecs",
    States: {
        "run-ecs": {
            Type: "Parallel",
            Branches: [
                {
                    StartAt: "trigger-ecs",
                    States: {
                        "trigger-ecs": { Type: "Task", Resource: LAMBDA, Next: "execute-ecs" },
                        "execute-ecs": { Type: "Task", Resource: ACTIVITY, End: true },
                    },
                },
            ],
            Retry: [
                {
                    ErrorEquals: ["Worker.Interrupted", "Worker.Lost", "States.HeartbeatTimeout", "Trigger.NoCapacity"],
                    MaxAttempts: 3,
                },
            ],
            Catch: [{ ErrorEquals: ["States.ALL"], Next: "failed" }],
            Next: "done",
        },
        done: { Type: "Succeed" },
        failed: { Type: "Fail" },
    },
};

const LABEL = /"((?:[^"])*)"/g;

/**
 * No Mermaid parser is a dev dependency here (the light `@mermaid-js/parser` has no flowchart
 * grammar; `mermaid` itself needs a DOM), so this checks the output against the small subset
 * definitionToMermaid emits: every line one known statement, subgraphs closed, every edge between
 * declared ids, labels free of characters the grammar reads.
 */
function assertWellFormed(text: string): void {
    const lines = text.trimEnd().split("\n");
    assert.strictEqual(lines[0], "flowchart TD");
    const ids = new Set<string>();
    const open: string[] = [];
    const id = "[A-Za-z][A-Za-z0-9_]*";
    const quoted = '"[^"]*"';
    const node = new RegExp(
        `^(${id})(?:\\[${quoted}\\]|\\{${quoted}\\}|\\(\\[${quoted}\\]\\)|\\(\\(${quoted}\\)\\)|\\(${quoted}\\))$`,
    );
    const edge = new RegExp(`^(${id}) (?:-->|-->\\|${quoted}\\||-\\.->\\|${quoted}\\|) (${id})$`);
    for (const raw of lines.slice(1)) {
        const line = raw.trim();
        assert.strictEqual(
            raw.length - raw.trimStart().length,
            4 * (open.length + (line === "end" ? 0 : 1)),
            `indentation of: ${raw}`,
        );
        let m: RegExpExecArray | null;
        if ((m = new RegExp(`^subgraph (${id})\\[${quoted}\\]$`).exec(line))) {
            ids.add(m[1]);
            open.push(m[1]);
        } else if (line === "end") {
            assert.ok(open.pop(), "an end without a subgraph");
        } else if (line === "direction TB") {
            assert.ok(open.length > 0, "direction only inside a subgraph here");
        } else if ((m = node.exec(line))) {
            assert.ok(!ids.has(m[1]), `${m[1]} declared twice`);
            ids.add(m[1]);
        } else if ((m = edge.exec(line))) {
            assert.ok(ids.has(m[1]) && ids.has(m[2]), `edge between undeclared ids: ${line}`);
        } else {
            assert.fail(`not a statement the renderer emits: ${raw}`);
        }
        for (const [, content] of line.matchAll(LABEL)) {
            assert.doesNotMatch(
                content.replace(/<br\/>/g, ""),
                /[[\]{}()|<>`]|#(?!\w+;)/,
                `raw special character in label ${content}`,
            );
        }
    }
    assert.deepStrictEqual(open, [], "every subgraph is closed");
}

describe("state machine diagram", () => {
    it("draws each state type in its shape: Task rectangle, Choice rhombus, Succeed/Fail stadium, Pass/Wait rounded", () => {
        const text = definitionToMermaid(KITCHEN_SINK);
        assertWellFormed(text);
        assert.match(text, /^ {8}s_work\["work<br\/>Task · Lambda<br\/>retry ×2 on States\.TaskFailed"\]$/m);
        assert.match(text, /^ {12}s_left__1\["left #35;1<br\/>Task · ecs:runTask\.sync"\]$/m);
        assert.match(text, /^ {4}s_check__input___v2_\{"check #quot;input#quot; #91;v2#93;<br\/>Choice"\}$/m);
        assert.match(text, /^ {4}s_done\(\["done<br\/>Succeed"\]\)$/m);
        assert.match(text, /^ {4}s_bad_input\(\["bad input<br\/>Fail"\]\)$/m);
        assert.match(text, /^ {12}s_pause\("pause<br\/>Wait 30 s"\)$/m);
        assert.match(text, /^ {16}s_item\("item<br\/>Pass"\)$/m);
    });

    it("draws Parallel branches and Map item processors (ItemProcessor or Iterator) as nested subgraphs", () => {
        const lines = definitionToMermaid(KITCHEN_SINK).split("\n");
        const at = (prefix: string) => lines.findIndex(l => l.trimStart().startsWith(prefix));
        assert.ok(at('subgraph s_fan_out["fan out · Parallel"]') > 0);
        // Two branches: each its own box inside the Parallel's, the Map of the second nested in it.
        assert.ok(lines.includes('        subgraph b_s_fan_out_1["branch 1"]'));
        assert.ok(lines.includes('        subgraph b_s_fan_out_2["branch 2"]'));
        assert.ok(lines.includes('            subgraph s_inner_map["inner map · Map"]'));
        assert.ok(at('subgraph s_each_item["each item · Map over $.items, ≤ 5 at once"]') > 0);
        // The Iterator's states sit inside the Map's box, before its `end`.
        const map = at("subgraph s_each_item");
        assert.ok(at("s_work[") > map && at("s_item_failed(") > map);
        assert.ok(
            lines.slice(map).findIndex(l => l === "    end") >
                lines.slice(map).findIndex(l => l.includes("s_item_failed(")),
        );
        // One box for a single-branch Parallel: its states directly inside.
        const single = definitionToMermaid(STEP_LIKE).split("\n");
        assert.deepStrictEqual(single.slice(2, 9), [
            '    subgraph s_run_ecs["run-ecs · Parallel · retry ×3 on Worker.Interrupted, Worker.Lost and 2 more"]',
            "        direction TB",
            '        s_trigger_ecs["trigger-ecs<br/>Task · Lambda"]',
            '        s_execute_ecs["execute-ecs<br/>Task · Activity"]',
            "        s_trigger_ecs --> s_execute_ecs",
            "    end",
            '    s_done(["done<br/>Succeed"])',
        ]);
    });

    it("draws Catch as dotted arrows labelled with the error names, and shows Retry in the label", () => {
        const text = definitionToMermaid(KITCHEN_SINK);
        assert.match(text, /^ {8}s_work -\.->\|"States\.TaskFailed, Custom\.Error"\| s_item_failed$/m);
        assert.match(text, /^ {4}s_each_item -\.->\|"States\.ALL"\| s_bad_input$/m);
        assert.match(definitionToMermaid(STEP_LIKE), /^ {4}s_run_ecs -\.->\|"States\.ALL"\| s_failed$/m);
        // MaxAttempts 0 is "never retry": not shown. An absent MaxAttempts is ASL's default, 3.
        assert.doesNotMatch(text, /States\.Timeout/);
        const def = {
            StartAt: "t",
            States: {
                t: { Type: "Task", Resource: LAMBDA, Retry: [{ ErrorEquals: ["A", "B", "C", "D"] }], End: true },
            },
        };
        assert.match(definitionToMermaid(def), /retry ×3 on A, B and 2 more/);
    });

    it("labels Choice rules with their condition and the Default with 'default'", () => {
        const text = definitionToMermaid(KITCHEN_SINK);
        assert.match(text, /s_check__input___v2_ -->\|"\$\.kind == #quot;a#124;b #lt;x#gt;#quot;"\| s_fan_out$/m);
        assert.match(text, /s_check__input___v2_ -->\|"\$\.n #gt;= 3 and not \$\.skip present"\| s_each_item$/m);
        assert.match(text, /s_check__input___v2_ -->\|"default"\| s_bad_input$/m);
        assert.strictEqual(describeCondition({ Variable: "$.a", NumericLessThanEqualsPath: "$.b" }), "$.a <= $.b");
        assert.strictEqual(describeCondition({ Variable: "$.a", StringMatches: "log-*" }), '$.a matches "log-*"');
        assert.strictEqual(describeCondition({ Variable: "$.a", IsNull: false }), "$.a is not null");
        assert.strictEqual(
            describeCondition({
                Or: [
                    { Variable: "$.a", BooleanEquals: true },
                    {
                        And: [
                            { Variable: "$.b", IsPresent: false },
                            { Variable: "$.c", IsString: true },
                        ],
                    },
                ],
            }),
            "$.a == true or ($.b absent and $.c is string)",
        );
        assert.strictEqual(describeCondition({ Condition: "{% $states.input.n > 1 %}" }), "$states.input.n > 1");
        // A long condition is cut: the label stays a label.
        const long = {
            StartAt: "c",
            States: {
                c: {
                    Type: "Choice",
                    Choices: [
                        {
                            Variable: "$.a_very_long_variable_name.and.more",
                            StringEquals: "a long long value",
                            Next: "x",
                        },
                    ],
                    Default: "x",
                },
                x: { Type: "Succeed" },
            },
        };
        assert.match(
            definitionToMermaid(long),
            /-->\|"\$\.a_very_long_variable_name\.and\.more == #quot;a long…"\| s_x$/m,
        );
    });

    it("escapes characters Mermaid reads in names and labels", () => {
        assert.strictEqual(
            escapeLabel('a "b" [c] {d} (e) f|g <h> #i; `j` & k\nl'),
            "a #quot;b#quot; #91;c#93; #123;d#125; #40;e#41; f#124;g #lt;h#gt; #35;i; #96;j#96; #amp; k l",
        );
        assertWellFormed(definitionToMermaid(KITCHEN_SINK));
    });

    it("derives safe, stable ids from state names and keeps names that clash apart", () => {
        const def = {
            StartAt: "a-b",
            States: {
                "a-b": { Type: "Pass", Next: "a b" },
                "a b": { Type: "Pass", Next: "a_b" },
                a_b: { Type: "Pass", Next: "end" },
                end: { Type: "Succeed" },
            },
        };
        assert.deepStrictEqual(
            [...mermaidIds(def)],
            [
                ["a-b", "s_a_b"],
                ["a b", "s_a_b_2"],
                ["a_b", "s_a_b_3"],
                ["end", "s_end"],
            ],
        );
        const text = definitionToMermaid(def);
        assertWellFormed(text);
        assert.strictEqual(definitionToMermaid(JSON.parse(JSON.stringify(def))), text, "same definition, same text");
        assert.strictEqual(mermaidIds(STEP_LIKE).get("trigger-ecs"), "s_trigger_ecs");
    });

    it("marks the start and the end: start into StartAt, top-level End, Succeed and Fail into the end marker", () => {
        const text = definitionToMermaid(STEP_LIKE);
        assert.match(text, /^ {4}sfn_start --> s_run_ecs$/m);
        assert.match(text, /^ {4}s_done --> sfn_end$/m);
        assert.match(text, /^ {4}s_failed --> sfn_end$/m);
        // Inside a branch an End only ends the branch.
        assert.doesNotMatch(text, /s_execute_ecs --> sfn_end/);
        assert.match(
            definitionToMermaid({ StartAt: "p", States: { p: { Type: "Pass", End: true } } }),
            /^ {4}s_p --> sfn_end$/m,
        );
    });

    it("refuses a transition to a state that does not exist, naming both", () => {
        assert.throws(
            () => definitionToMermaid({ StartAt: "a", States: { a: { Type: "Pass", Next: "nowhere" } } }),
            /"a" goes to "nowhere", which is not a state/,
        );
        assert.throws(() => definitionToMermaid({ States: {} }), /needs StartAt and States/);
    });
});

describe("npm run diagram", () => {
    const machine = (name: string, arn: string, definition: object) => ({
        type: "aws:sfn/stateMachine:StateMachine",
        name,
        urn: name,
        custom: true,
        inputs: { definition: JSON.stringify(definition) },
        state: { arn },
    });

    it("draws the exported state machine, else each with a heading comment; --markdown fences it", async () => {
        const a = machine("a", "arn:a", STEP_LIKE);
        const b = machine("b", "arn:b", { StartAt: "p", States: { p: { Type: "Pass", End: true } } });
        const base = { project: "p", stack: "dev", resources: [a, b] };
        assert.strictEqual(
            await renderProjectDiagram({ ...base, outputs: { stateMachineArn: "arn:a" } }, false),
            definitionToMermaid(STEP_LIKE),
        );
        const both = await renderProjectDiagram({ ...base, outputs: {} }, true);
        assert.strictEqual(
            both,
            "```mermaid\n%% state machine a\n" +
                definitionToMermaid(STEP_LIKE) +
                "```\n\n```mermaid\n%% state machine b\n" +
                definitionToMermaid(JSON.parse(b.inputs.definition)) +
                "```\n",
        );
        await assert.rejects(
            renderProjectDiagram({ ...base, resources: [], outputs: {} }, false),
            /declares no aws:sfn\/stateMachine:StateMachine/,
        );
    });

    it("parses its flags and refuses unknown ones", () => {
        assert.deepStrictEqual(parseDiagramArgs(["--project=examples/etl", "--stack", "prod", "--markdown"]), {
            project: path.resolve("examples/etl"),
            stack: "prod",
            markdown: true,
            updateReadme: false,
            help: false,
        });
        assert.throws(() => parseDiagramArgs(["--stack"]), /--stack needs a value/);
        assert.throws(() => parseDiagramArgs(["--nope"]), /unknown argument --nope/);
        const run = spawnSync(process.execPath, ["-r", TS_REGISTER, "local/cli/diagram.ts", "--nope"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.strictEqual(run.status, 2);
        assert.match(run.stderr, /unknown argument --nope[\s\S]*Usage: npm run diagram/);
    });

    it("--update-readme replaces only the text between the markers", () => {
        const readme = `# x\n\ntext\n${DIAGRAM_START}\nold\n${DIAGRAM_END}\n\nmore\n`;
        const updated = replaceEmbeddedDiagram(readme, "```mermaid\nnew\n```\n");
        assert.strictEqual(
            updated,
            `# x\n\ntext\n${DIAGRAM_START}\n\`\`\`mermaid\nnew\n\`\`\`\n${DIAGRAM_END}\n\nmore\n`,
        );
        assert.strictEqual(embeddedDiagram(updated), "```mermaid\nnew\n```\n");
        assert.throws(() => replaceEmbeddedDiagram("# no markers\n", "x"), /no <!-- diagram:start -->/);
    });

    it("the README embeds the dev stack's current diagram", () => {
        const run = spawnSync(process.execPath, ["-r", TS_REGISTER, "local/cli/diagram.ts", "--markdown"], {
            cwd: ROOT,
            encoding: "utf8",
        });
        assert.strictEqual(run.status, 0, `npm run diagram failed:\n${run.stderr}`);
        assertWellFormed(run.stdout.replace(/^```mermaid\n/, "").replace(/```\n$/, ""));
        const embedded = embeddedDiagram(fs.readFileSync(path.join(ROOT, "README.md"), "utf8"));
        assert.ok(embedded !== undefined, `README.md lacks the ${DIAGRAM_START} … ${DIAGRAM_END} markers`);
        assert.strictEqual(
            embedded,
            run.stdout,
            "README.md's state machine diagram is stale: run `npm run diagram -- --update-readme` (or paste the output of `npm run --silent diagram -- --markdown` between the diagram markers)",
        );
    });
});
