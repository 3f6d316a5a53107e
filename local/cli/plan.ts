// `npm run plan [-- --project <dir>] [--stack dev] [--json]`: the offline plan on the command line.
// Exit 0 when the program evaluates, 1 when it fails, 2 for usage errors (unknown flag, missing
// project or stack file). With --json standard output carries exactly one JSON document.
import * as path from "path";
import { PlanUsageError, evaluateProject, planDocument, renderOutputs, renderResourceTree } from "../program/plan";
import { holdStdout } from "./stdout";

const HELP = `Usage: npm run plan [-- --project <dir>] [--stack <name>] [--json]

Evaluates the Pulumi program offline (Pulumi mocks: no CLI, no AWS) and prints what it declares.
  --project <dir>  the folder holding Pulumi.yaml (default: the current folder)
  --stack <name>   reads Pulumi.<name>.yaml on top of the Pulumi.yaml defaults (default: dev)
  --json           one JSON document on standard output: every resource's type, name, parent and
                   inputs (Lambda code shown as its __index.js text), and the stack outputs
  --help           this text
Exit status: 0 planned, 1 the program failed, 2 usage error. Use \`npm run --silent plan -- --json\` in scripts.
`;

interface CliOptions {
    project: string;
    stack: string;
    json: boolean;
    help: boolean;
}

export function parsePlanArgs(argv: string[]): CliOptions {
    const options: CliOptions = { project: process.cwd(), stack: "dev", json: false, help: false };
    for (let i = 0; i < argv.length; i++) {
        const [flag, inline] =
            argv[i].startsWith("--") && argv[i].includes("=")
                ? [argv[i].slice(0, argv[i].indexOf("=")), argv[i].slice(argv[i].indexOf("=") + 1)]
                : [argv[i], undefined];
        const value = () => {
            const v = inline ?? argv[++i];
            if (v === undefined || v === "") throw new PlanUsageError(`${flag} needs a value`);
            return v;
        };
        if (flag === "--project") options.project = path.resolve(value());
        else if (flag === "--stack") options.stack = value();
        else if (flag === "--json") options.json = true;
        else if (flag === "--help" || flag === "-h") options.help = true;
        else throw new PlanUsageError(`unknown argument ${argv[i]}`);
    }
    return options;
}

async function main(): Promise<void> {
    // Whatever the program prints goes to standard error: standard output holds the plan alone.
    const stdout = holdStdout();
    const finish = stdout.exit;
    let options: CliOptions;
    try {
        options = parsePlanArgs(process.argv.slice(2));
    } catch (err: any) {
        process.stderr.write(`plan: ${err.message}\n\n${HELP}`);
        return finish(2);
    }
    if (options.help) return finish(0, HELP);
    try {
        const plan = await evaluateProject(options.project, options.stack);
        if (options.json) return finish(0, JSON.stringify(await planDocument(plan), null, 2) + "\n");
        return finish(0, renderResourceTree(plan) + "\n" + renderOutputs(plan.outputs));
    } catch (err: any) {
        if (err instanceof PlanUsageError) {
            process.stderr.write(`plan: ${err.message}\n`);
            return finish(2);
        }
        process.stderr.write(`plan: the program failed: ${err?.stack ?? err}\n`);
        return finish(1);
    }
}

if (require.main === module) void main();
