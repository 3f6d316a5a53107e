// The serialized Lambda code, and running it as Lambda would: from an empty folder where only the
// packages the Node.js runtime provides resolve, in its own process with its own environment.
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { archiveEntries } from "../../local/program/lambda-archive";
import { DeclaredResource } from "../../local/program/mocks";

/** File names and text of a mocked Function's code archive (folders listed too, so none can hide). */
export async function archiveFiles(fn: DeclaredResource): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const entry of await archiveEntries(fn.inputs.code))
        files[entry.name] = entry.kind === "text" ? entry.text : `<${entry.kind}>`;
    return files;
}

/** A temporary folder holding `__index.js` and a node_modules with only `packages` (linked from ours). */
export function lambdaFolder(indexJs: string, packages: string[]): { dir: string; remove(): void } {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-"));
    fs.writeFileSync(path.join(dir, "__index.js"), indexJs);
    for (const pkg of packages) {
        const target = path.join(dir, "node_modules", pkg);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.symlinkSync(path.dirname(require.resolve(`${pkg}/package.json`, { paths: [__dirname] })), target, "dir");
    }
    return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// The handler logs to stdout too; the result follows the last mark.
const MARK = "\n@@handler-result@@";
const INVOKE = `
const MARK = ${JSON.stringify(MARK)};
const mod = require(process.argv[1] + "/__index.js");
Promise.resolve(mod.handler(JSON.parse(process.argv[2]), { functionName: "local", awsRequestId: "r1", getRemainingTimeInMillis: () => 60000 }))
  .then(result => process.stdout.write(MARK + JSON.stringify({ ok: true, result })),
        error => process.stdout.write(MARK + JSON.stringify({ ok: false, name: error && error.name, message: error && error.message, isError: error instanceof Error })));
`;

export interface Invocation {
    ok: boolean;
    result?: any;
    name?: string;
    message?: string;
    isError?: boolean;
    stderr: string;
    /** What the handler printed to stdout. */
    logs: string;
}

/** Calls `exports.handler(event)` in a fresh Node process with exactly `env` (plus PATH). */
export function invokeInFolder(dir: string, event: unknown, env: Record<string, string>): Promise<Invocation> {
    return new Promise((resolve, reject) => {
        execFile(
            process.execPath,
            ["-e", INVOKE, dir, JSON.stringify(event)],
            { cwd: dir, env: { PATH: process.env.PATH ?? "", ...env }, timeout: 30_000 },
            (error, stdout, stderr) => {
                const at = stdout.lastIndexOf(MARK);
                if (at < 0)
                    return reject(
                        new Error(`the handler process printed no result (${error?.message}): ${stdout}${stderr}`),
                    );
                resolve({ ...JSON.parse(stdout.slice(at + MARK.length)), stderr, logs: stdout.slice(0, at) });
            },
        );
    });
}
