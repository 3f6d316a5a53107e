// `npm run diagram [-- --project <dir>] [--stack dev] [--markdown] [--update-readme]`: the state
// machine a project declares, as a Mermaid flowchart, from the offline plan (no CLI, no AWS).
// Exit 0 printed, 1 the program failed, 2 usage error (unknown flag, no project, no state machine).
import * as fs from "fs";
import * as path from "path";
import { definitionToMermaid } from "./mermaid";
import { PlanUsageError, ProjectPlan, evaluateProject, pickStateMachines, toPlain } from "../program/plan";
import { holdStdout } from "./stdout";

const HELP = `Usage: npm run diagram [-- --project <dir>] [--stack <name>] [--markdown] [--update-readme]

Evaluates the Pulumi program offline (Pulumi mocks) and prints its state machine as a Mermaid
flowchart: states, transitions, retries (in the labels) and catches (dotted arrows).
  --project <dir>   the folder holding Pulumi.yaml (default: the current folder)
  --stack <name>    reads Pulumi.<name>.yaml on top of the Pulumi.yaml defaults (default: dev)
  --markdown        wraps the flowchart in a \`\`\`mermaid fence, as the README embeds it
  --update-readme   writes the --markdown text into <project>/README.md between
                    ${"<!-- diagram:start -->"} and ${"<!-- diagram:end -->"}, and nothing else
  --help            this text
The machine shown is the one whose ARN the program exports as stateMachineArn, else the only one;
several and no such export: each, after a %% comment naming it.
Exit status: 0 printed, 1 the program failed, 2 usage error.
`;

export const DIAGRAM_START = "<!-- diagram:start -->";
export const DIAGRAM_END = "<!-- diagram:end -->";
const STATE_MACHINE = "aws:sfn/stateMachine:StateMachine";

export interface DiagramOptions {
    project: string;
    stack: string;
    markdown: boolean;
    updateReadme: boolean;
    help: boolean;
}

export function parseDiagramArgs(argv: string[]): DiagramOptions {
    const options: DiagramOptions = {
        project: process.cwd(),
        stack: "dev",
        markdown: false,
        updateReadme: false,
        help: false,
    };
    for (let i = 0; i < argv.length; i++) {
        const eq = argv[i].startsWith("--") ? argv[i].indexOf("=") : -1;
        const [flag, inline] = eq > 0 ? [argv[i].slice(0, eq), argv[i].slice(eq + 1)] : [argv[i], undefined];
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "" || v.startsWith("--")) throw new PlanUsageError(`${flag} needs a value`);
            return v;
        };
        if (flag === "--project") options.project = path.resolve(value());
        else if (flag === "--stack") options.stack = value();
        else if (flag === "--markdown") options.markdown = true;
        else if (flag === "--update-readme") options.updateReadme = true;
        else if (flag === "--help" || flag === "-h") options.help = true;
        else throw new PlanUsageError(`unknown argument ${argv[i]}`);
    }
    return options;
}

/** The text between the markers, or undefined when the README lacks them (in that order). */
export function embeddedDiagram(readme: string): string | undefined {
    const start = readme.indexOf(DIAGRAM_START);
    const end = readme.indexOf(DIAGRAM_END, start + 1);
    if (start < 0 || end < 0) return undefined;
    return readme.slice(start + DIAGRAM_START.length, end).replace(/^\r?\n/, "");
}

/** The README with only the span between the markers replaced by `block` (one newline after the start marker). */
export function replaceEmbeddedDiagram(readme: string, block: string): string {
    const start = readme.indexOf(DIAGRAM_START);
    const end = readme.indexOf(DIAGRAM_END, start + 1);
    if (start < 0 || end < 0) throw new PlanUsageError(`the README has no ${DIAGRAM_START} … ${DIAGRAM_END} span`);
    return readme.slice(0, start + DIAGRAM_START.length) + "\n" + block + readme.slice(end);
}

/** The text the CLI prints: one flowchart, or each with a `%%` heading comment. */
export async function renderProjectDiagram(
    plan: Pick<ProjectPlan, "project" | "stack" | "resources" | "outputs">,
    markdown: boolean,
): Promise<string> {
    const machines = plan.resources.filter(r => r.type === STATE_MACHINE);
    if (machines.length === 0)
        throw new PlanUsageError(`the project ${plan.project} (stack ${plan.stack}) declares no ${STATE_MACHINE}`);
    const chosen = pickStateMachines(machines, plan.outputs.stateMachineArn);
    const parts: string[] = [];
    for (const machine of chosen) {
        const text = await toPlain(machine.inputs.definition);
        if (typeof text !== "string") throw new Error(`the state machine ${machine.name} has no definition text`);
        const heading = chosen.length > 1 ? `%% state machine ${machine.name}\n` : "";
        const chart = heading + definitionToMermaid(JSON.parse(text));
        parts.push(markdown ? "```mermaid\n" + chart + "```\n" : chart);
    }
    return parts.join("\n");
}

async function main(): Promise<void> {
    // Whatever the program prints goes to standard error: standard output holds the diagram alone.
    const stdout = holdStdout();
    const finish = stdout.exit;
    let options: DiagramOptions;
    try {
        options = parseDiagramArgs(process.argv.slice(2));
    } catch (err: any) {
        process.stderr.write(`diagram: ${err.message}\n\n${HELP}`);
        return finish(2);
    }
    if (options.help) return finish(0, HELP);
    try {
        const plan = await evaluateProject(options.project, options.stack);
        const text = await renderProjectDiagram(plan, options.markdown || options.updateReadme);
        if (!options.updateReadme) return finish(0, text);
        const readmePath = path.join(options.project, "README.md");
        if (!fs.existsSync(readmePath)) throw new PlanUsageError(`no README.md in ${options.project}`);
        const before = fs.readFileSync(readmePath, "utf8");
        const after = replaceEmbeddedDiagram(before, text);
        if (after !== before) fs.writeFileSync(readmePath, after);
        process.stderr.write(`diagram: ${readmePath} ${after === before ? "already up to date" : "updated"}\n`);
        return finish(0);
    } catch (err: any) {
        if (err instanceof PlanUsageError) {
            process.stderr.write(`diagram: ${err.message}\n`);
            return finish(2);
        }
        process.stderr.write(`diagram: failed: ${err?.stack ?? err}\n`);
        return finish(1);
    }
}

if (require.main === module) void main();
