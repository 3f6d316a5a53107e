// `npm start`: runs the stack's state machine end to end on this machine, offline, and shows its
// history live. See `npm start -- --help`.
import { parseArgs } from "util";
import * as path from "path";
import { HeldStdout, holdStdout } from "./stdout";
import { HistoryEvent } from "../sfn/engine";
import { DOCKER_BUILD_COMMAND, dockerLauncher, LOCAL_WORKER_IMAGE } from "../ecs/docker-launcher";
import { formatHeader, formatRow, HistoryTable } from "./history-table";
import type { LocalStack } from "../stack/local-stack";
import { exportLine } from "../stack/client-environment";
import { exitCodeFor, Lifetime, watchLifetime } from "./lifetime";
import { ProgressLine } from "./progress-line";
import type { FargateTimingOptions } from "../ecs/endpoint";
import { parseTimingArgs, TIMING_ARG_OPTIONS, TIMING_HELP, TimingUsageError } from "./timing-args";
import { allHistory } from "./all-history";

export const HELP = `Usage: npm start -- [options]          (npm start --silent -- --json for scripts)

Runs the Pulumi program's state machine on this machine with the artefacts \`pulumi up\` would
deploy: the same definition, trigger Lambda code, task definition and worker bundle, behind local
Step Functions and ECS endpoints on 127.0.0.1. No AWS account, Docker or Pulumi CLI needed.

Options:
  --input <json>       execution input, a JSON object (default {}); e.g. '{"echo":"hi","durationMs":500}'
  --json               print one JSON document (status, output, error, cause, history, cost) and
                       nothing else on standard output; logs go to standard error
  --logs               show worker and Lambda logs (standard error) beside the history table
  --serve              keep the endpoints up until Ctrl-C and print the environment a client needs
                       (export lines); start executions with any SDK or the AWS CLI
  --port <n>           Step Functions endpoint port (ECS gets n+1); default: free ports
  --external-workers   RunTask starts no process and reports the task RUNNING at once: run your own
                       worker (any language) against the printed endpoints
  --project <dir>      the Pulumi project to run (default: this one)
  --stack <name>       its stack (default: dev)
  --config <key=value> a stack config value over the stack's (repeatable); a key without a namespace
                       is the project's, e.g. --config architecture=ARM64 --config capacity=FARGATE_SPOT
  --worker <file>      run this worker entry (bundled) as every container, instead of each step's
                       own worker as the plan builds it into the step's image
  --docker             run containers with \`docker run\` (image ${LOCAL_WORKER_IMAGE}; build it with
                       \`${DOCKER_BUILD_COMMAND}\`). UNTESTED: no Docker engine was available
                       where this was written; only its command line is tested
${TIMING_HELP}
  --help               this text

Exit codes: 0 the execution succeeded, 1 it did not (FAILED, TIMED_OUT, ABORTED), 2 usage error.`;

export class UsageError extends Error {}

export interface StartOptions {
    input: string;
    json: boolean;
    logs: boolean;
    serve: boolean;
    port: number;
    externalWorkers: boolean;
    project: string;
    stack: string;
    worker?: string;
    /** --config values, `namespace:key` (or the project's `key`) → value. */
    config: Record<string, string>;
    docker: boolean;
    /** The Fargate timing model; undefined when off. */
    fargateTiming?: FargateTimingOptions;
    help: boolean;
}

/** `key=value` pairs; a key without a namespace gets the project's (resolved by the plan's config). */
function parseConfigArgs(pairs: string[]): Record<string, string> {
    const config: Record<string, string> = {};
    for (const pair of pairs) {
        const at = pair.indexOf("=");
        if (at <= 0) throw new UsageError(`--config takes key=value; got ${pair}`);
        config[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return config;
}

export function parseStartArgs(argv: string[]): StartOptions {
    let values: Record<string, string | boolean | string[] | undefined>;
    try {
        ({ values } = parseArgs({
            args: argv,
            options: {
                input: { type: "string" },
                json: { type: "boolean" },
                logs: { type: "boolean" },
                serve: { type: "boolean" },
                port: { type: "string" },
                "external-workers": { type: "boolean" },
                project: { type: "string" },
                stack: { type: "string" },
                worker: { type: "string" },
                config: { type: "string", multiple: true },
                docker: { type: "boolean" },
                help: { type: "boolean", short: "h" },
                ...TIMING_ARG_OPTIONS,
            },
            strict: true,
            allowPositionals: false,
        }));
    } catch (err: any) {
        throw new UsageError(err.message);
    }
    const input = (values.input as string | undefined) ?? "{}";
    let parsed: unknown;
    try {
        parsed = JSON.parse(input);
    } catch (err: any) {
        throw new UsageError(`--input is not valid JSON (${err.message}): ${input}`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
        throw new UsageError(`--input must be a JSON object (the step adds _execution to it); got ${input}`);
    const portText = (values.port as string | undefined) ?? "0";
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port > 65534)
        throw new UsageError(`--port must be a whole number from 0 to 65534; got ${portText}`);
    if (values.serve && values.json)
        throw new UsageError("--serve and --json do not go together: --serve runs no execution of its own");
    if (values.docker && values["external-workers"])
        throw new UsageError("--docker and --external-workers do not go together");
    let fargateTiming: FargateTimingOptions | undefined;
    try {
        fargateTiming = parseTimingArgs(values);
    } catch (err) {
        if (err instanceof TimingUsageError) throw new UsageError(err.message);
        throw err;
    }
    return {
        input,
        json: Boolean(values.json),
        logs: Boolean(values.logs),
        serve: Boolean(values.serve),
        port,
        externalWorkers: Boolean(values["external-workers"]),
        project: path.resolve((values.project as string | undefined) ?? path.join(__dirname, "..", "..")),
        stack: (values.stack as string | undefined) ?? "dev",
        worker: values.worker as string | undefined,
        config: parseConfigArgs((values.config as string[] | undefined) ?? []),
        docker: Boolean(values.docker),
        fargateTiming,
        help: Boolean(values.help),
    };
}

const toStderr = (line: string) => void process.stderr.write(line + "\n");

/** The stack, or undefined when it could not start (the message is out) or a stop came first. */
async function startStack(
    options: StartOptions,
    lifetime: Lifetime,
    onEvent?: (executionArn: string, event: HistoryEvent) => void,
): Promise<LocalStack | number> {
    const showLogs = options.json || options.logs || options.serve;
    // Loaded here, not at the top: --help and usage errors answer without compiling the runtime.
    const { startLocalStack } = await import("../stack/local-stack");
    const starting = startLocalStack({
        projectDir: options.project,
        stack: options.stack,
        port: options.port,
        externalWorkers: options.externalWorkers,
        workerEntry: options.worker,
        launcher: options.docker ? dockerLauncher() : undefined,
        fargateTiming: options.fargateTiming,
        configOverrides: options.config,
        onEvent,
        containerOutput: showLogs ? l => toStderr(`[task ${l.taskId.slice(0, 8)}] ${l.line}`) : () => undefined,
        lambdaOutput: showLogs ? l => toStderr(`[λ ${l.functionName}] ${l.line}`) : () => undefined,
        progress: options.json ? undefined : m => toStderr(`… ${m}`),
    });
    const first = await Promise.race([
        starting.then(
            stack => ({ stack }),
            (err: any) => {
                process.stderr.write(`npm start: ${err.message}\n`);
                return { code: err?.name === "PlanUsageError" ? 2 : 1 };
            },
        ),
        lifetime.stopped.then(reason => ({ reason })),
    ]);
    if ("stack" in first || "code" in first) return "stack" in first ? first.stack : first.code;
    // Stopped while starting: close what has started (the deadline guards a start that hangs).
    await starting.then(
        stack => stack.close(),
        () => undefined,
    );
    return exitCodeFor(first.reason);
}

/** --serve: the environment lines, then the endpoints until a stop. */
async function serve(
    stack: LocalStack,
    stdout: HeldStdout,
    lifetime: Lifetime,
    costs?: { settled(): Promise<void> },
): Promise<number> {
    for (const [name, value] of Object.entries(stack.clientEnvironment())) stdout.write(exportLine(name, value) + "\n");
    toStderr(
        "Serving until Ctrl-C. With these lines in your environment, any AWS SDK or CLI that reads AWS_ENDPOINT_URL_<SERVICE> (see the README) talks to this stack, e.g.:\n  aws stepfunctions start-execution --state-machine-arn $STATE_MACHINE_ARN --input '{}'",
    );
    await lifetime.stopped;
    await costs?.settled();
    return 0;
}

/**
 * The live table; on a terminal also the line under it that says what the execution waits on
 * (./progress-line.ts). Piped output has the rows alone.
 */
function showHistory(stack: LocalStack, executionArn: string, stdout: HeldStdout): { stop(): void } {
    const table = new HistoryTable();
    stdout.write(`execution ${executionArn}\n${formatHeader()}\n`);
    if (!process.stdout.isTTY) {
        stack.engine.subscribe(executionArn, event => stdout.write(formatRow(table.row(event)) + "\n"));
        return { stop: () => undefined };
    }
    const container = () => {
        const task = stack.tasksOf(executionArn).at(-1);
        return task && `${task.taskId.slice(0, 8)} ${task.lastStatus}`;
    };
    const line = new ProgressLine(stdout.write, container, () => process.stdout.columns ?? 100);
    stack.engine.subscribe(executionArn, event => {
        const row = table.row(event);
        line.row(formatRow(row), event, row.state);
    });
    return line;
}

/** One execution, shown live (or as one JSON document); a stop aborts it. */
async function runOnce(stack: LocalStack, options: StartOptions, stdout: HeldStdout, lifetime: Lifetime) {
    const { executionArn } = stack.engine.startExecution({
        stateMachineArn: stack.stateMachineArn,
        input: options.input,
    });
    void lifetime.stopped.then(reason => {
        try {
            stack.engine.stopExecution(executionArn, "Local.Interrupted", `npm start was stopped (${reason})`);
        } catch {
            // already over
        }
    });
    const progress = options.json ? undefined : showHistory(stack, executionArn, stdout);
    const result = await stack.engine.waitForExecution(executionArn);
    progress?.stop();
    if (!options.json) toStderr("… forecasting the cost (once the task has stopped)");
    const { costOfExecution, costJson, formatCostTable } = await import("./cost-output");
    // An external worker's task may run until someone stops it; a stop of npm start ends the wait too.
    const cost = await costOfExecution(
        stack,
        executionArn,
        () => options.externalWorkers || lifetime.reason !== undefined,
    );
    if (options.json) {
        const history = allHistory(stack, executionArn);
        stdout.write(
            JSON.stringify({
                status: result.status,
                output: result.output ?? null,
                error: result.error ?? null,
                cause: result.cause ?? null,
                history,
                cost: costJson(cost),
            }) + "\n",
        );
    } else {
        stdout.write(`\nstatus  ${result.status}\n`);
        if (result.output !== undefined) stdout.write(`output  ${result.output}\n`);
        if (result.error !== undefined || result.cause !== undefined)
            stdout.write(`error   ${result.error ?? ""}\ncause   ${result.cause ?? ""}\n`);
        stdout.write(`\n${formatCostTable(cost)}\n`);
    }
    return result.status === "SUCCEEDED" ? 0 : 1;
}

async function main(argv: string[], stdout: HeldStdout, lifetime: Lifetime): Promise<number> {
    let options: StartOptions;
    try {
        options = parseStartArgs(argv);
    } catch (err) {
        if (err instanceof UsageError) {
            process.stderr.write(`npm start: ${err.message}\nSee: npm start -- --help\n`);
            return 2;
        }
        throw err;
    }
    if (options.help) {
        stdout.write(HELP + "\n");
        return 0;
    }
    // --serve prints each execution's cost when it ends (loaded only to run, as the stack is).
    let running: LocalStack | undefined;
    const costs = options.serve
        ? (await import("./cost-output")).serveCostReporter(() => running, toStderr)
        : undefined;
    const stack = await startStack(options, lifetime, costs?.onEvent);
    if (typeof stack === "number") return stack;
    running = stack;
    try {
        return options.serve
            ? await serve(stack, stdout, lifetime, costs)
            : await runOnce(stack, options, stdout, lifetime);
    } finally {
        await stack.close();
        if (lifetime.reason !== undefined && !options.json)
            toStderr(`stopped (${lifetime.reason}): every process this run started has ended`);
    }
}

if (require.main === module) {
    // A closed terminal or a parent gone must not crash the stop with EPIPE/EIO on a write.
    for (const stream of [process.stdout, process.stderr]) stream.on("error", () => undefined);
    const lifetime = watchLifetime({
        onDeadline: reason =>
            toStderr(`npm start: not stopped within 4 s of ${reason}; killed every process it started`),
    });
    // With --json standard output carries one document: the program's own prints go to standard error.
    const stdout = holdStdout();
    main(process.argv.slice(2), stdout, lifetime).then(
        code => stdout.exit(code),
        err => {
            process.stderr.write(`npm start: ${err?.stack ?? err}\n`);
            process.exit(1);
        },
    );
}
