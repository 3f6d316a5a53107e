// The whole stack on this machine: the planned program's state machines run by the local engine,
// its activities served by the local Step Functions endpoint, its Lambda functions run from their
// serialized archives by warm processes, its task definitions started by the local ECS endpoint as
// worker processes, and its EventBridge rules routing ECS task events to their functions. The same
// artefacts `pulumi up` would deploy, talking through the real SDK clients to 127.0.0.1.
import { ActivityStore } from "../sfn/activity-store";
import { ContainerLauncher, ContainerOutputLine, EcsEndpoint, startEcsEndpoint } from "../ecs/endpoint";
import { HistoryEvent, LocalStepFunctions } from "../sfn/engine";
import { archiveFiles } from "../program/lambda-archive";
import {
    createLambdaRunner,
    LambdaFunctionConfig,
    LambdaOutputLine,
    LambdaRunner,
    stepFunctionsErrorOf,
} from "../lambda/runner";
import { DUMMY_CREDENTIALS, LOCAL_ACCOUNT, QUIET_SDK } from "../shared/account";
import { evaluateProject, pickStateMachines, ProjectPlan } from "../program/plan";
import { startStepFunctionsEndpoint, StepFunctionsEndpoint } from "../sfn/endpoint";
import { createExecutionOperations } from "../sfn/execution-operations";
import { ensureWorkerBundle } from "../../worker-image/build";
import { DeclaredWorld, readDeclaredWorld } from "./declared-world";
import { matchesEventPattern } from "../events/event-pattern";
import { bundleProjectWorker } from "./project-worker";

export interface LocalStackOptions {
    projectDir: string;
    stack: string;
    /** Step Functions port; ECS gets port + 1. 0 or absent: free ports. */
    port?: number;
    /** Tasks are RUNNING at once and no process starts: a worker run by hand plays the container. */
    externalWorkers?: boolean;
    /** The project's own worker entry (TypeScript or JavaScript), bundled for local runs. Default: this repository's worker. */
    workerEntry?: string;
    /** Replaces the worker-process launcher (e.g. `--docker`). */
    launcher?: ContainerLauncher;
    /** Where container and Lambda output goes; default standard error with a prefix. */
    containerOutput?: (line: ContainerOutputLine) => void;
    lambdaOutput?: (line: LambdaOutputLine) => void;
    /** Every history event of every execution as it happens. */
    onEvent?: (executionArn: string, event: HistoryEvent) => void;
    /** Config values over the stack's (`namespace:key` → value). */
    configOverrides?: Record<string, string>;
    /** Tests: multiplies Retry intervals (0.001 makes backoff instant). */
    retryIntervalScale?: number;
    /** Tests: how long an empty GetActivityTask waits (AWS: 60 s). */
    maxPollSeconds?: number;
    /** Tests: caps a container's SIGTERM → SIGKILL time. */
    maxStopTimeoutMs?: number;
    /** Called with each step of start-up (planning, building, starting endpoints). */
    progress?: (message: string) => void;
}

export interface LocalStack {
    readonly plan: ProjectPlan;
    readonly world: DeclaredWorld;
    readonly region: string;
    readonly engine: LocalStepFunctions;
    readonly store: ActivityStore;
    readonly sfn: StepFunctionsEndpoint;
    readonly ecs: EcsEndpoint;
    readonly lambdas: LambdaRunner;
    /** The only state machine, or the one the program exports as `stateMachineArn`. */
    readonly stateMachineArn: string;
    /** The environment an SDK (or a worker in any language) needs to talk to this stack. */
    clientEnvironment(): Record<string, string>;
    /** Invocations of subscribed functions (EventBridge → Lambda) still running. */
    pendingSubscriptions(): number;
    close(): Promise<void>;
}

function pickStateMachine(plan: ProjectPlan): string {
    const chosen = pickStateMachines(
        plan.resources.filter(r => r.type === "aws:sfn/stateMachine:StateMachine"),
        plan.outputs.stateMachineArn,
    );
    if (chosen.length === 0) throw new Error("the program declares no state machine");
    if (chosen.length > 1)
        throw new Error(
            `the program declares ${chosen.length} state machines; export the one to run as stateMachineArn`,
        );
    return chosen[0].state.arn;
}

function qualifiedless(arn: string): string {
    // arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]
    return arn.split(":").slice(0, 7).join(":");
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
    const progress = options.progress ?? (() => undefined);
    progress("planning the stack under the local engine");
    const plan = await evaluateProject(options.projectDir, options.stack, { configOverrides: options.configOverrides });
    const region = plan.config["aws:region"] ?? "us-east-1";
    const world = readDeclaredWorld(plan.resources);
    const stateMachineArn = pickStateMachine(plan);

    const functions = new Map<string, LambdaFunctionConfig>();
    for (const fn of world.functions) {
        functions.set(fn.arn, {
            functionName: fn.name,
            functionArn: fn.arn,
            code: await archiveFiles(fn.code),
            environment: fn.environment,
            timeoutSeconds: fn.timeoutSeconds,
            handler: fn.handler,
        });
    }
    const launcher = options.launcher;
    let workerBundlePath: string | undefined;
    if (!launcher && !options.externalWorkers) {
        progress("building the worker bundle");
        workerBundlePath = options.workerEntry
            ? await bundleProjectWorker(options.workerEntry)
            : (await ensureWorkerBundle()).outfile;
    }

    const closers: Array<() => Promise<void> | void> = [];
    const closeAll = async () => {
        for (const close of closers.reverse()) await close();
    };
    try {
        const store = new ActivityStore({ region, account: LOCAL_ACCOUNT, maxPollSeconds: options.maxPollSeconds });
        for (const arn of world.activityArns) store.registerActivity(arn);
        closers.push(() => store.close());

        let lambdas: LambdaRunner | undefined;
        const invoke = async (functionArn: string, payload: unknown) => {
            const fn = functions.get(qualifiedless(functionArn));
            if (!fn)
                return {
                    ok: false as const,
                    errorType: "Lambda.ResourceNotFoundException",
                    errorMessage: `Function not found: ${functionArn}`,
                };
            const result = await lambdas!.invoke(fn, payload);
            if (result.ok) return { ok: true as const, result: result.result };
            const { error, cause } = stepFunctionsErrorOf(result);
            return { ok: false as const, errorType: error, errorMessage: cause };
        };
        const engine = new LocalStepFunctions({
            scheduler: store,
            invokeLambda: invoke,
            region,
            accountId: LOCAL_ACCOUNT,
            retryIntervalScale: options.retryIntervalScale,
            onEvent: options.onEvent,
        });
        closers.push(() => engine.close());
        for (const sm of world.stateMachines)
            engine.createStateMachine({ arn: sm.arn, name: sm.name, definition: sm.definition, roleArn: sm.roleArn });

        progress("starting the local Step Functions and ECS endpoints");
        const sfn = await startStepFunctionsEndpoint({
            store,
            port: options.port || 0,
            extraOperations: createExecutionOperations(engine),
        });
        closers.push(() => sfn.close());
        const ecs = await startEcsEndpoint({
            clusters: world.clusters,
            taskDefinitions: world.taskDefinitions,
            region,
            account: LOCAL_ACCOUNT,
            stepFunctionsEndpoint: sfn.url,
            workerBundlePath,
            externalWorkers: options.externalWorkers,
            launcher,
            output: options.containerOutput,
            maxStopTimeoutMs: options.maxStopTimeoutMs,
            port: options.port ? options.port + 1 : 0,
            extraEnvironment: { PATH: process.env.PATH ?? "", ...QUIET_SDK },
        });
        closers.push(() => ecs.close());
        lambdas = createLambdaRunner({
            region,
            account: LOCAL_ACCOUNT,
            baseEnvironment: {
                AWS_ENDPOINT_URL_ECS: ecs.url,
                AWS_ENDPOINT_URL_SFN: sfn.url,
                ...DUMMY_CREDENTIALS,
                ...QUIET_SDK,
            },
            output: options.lambdaOutput,
        });

        // EventBridge: ECS task events to the functions whose rules match them.
        const running = new Set<Promise<unknown>>();
        const unsubscribe = ecs.onTaskStateChange(event => {
            for (const sub of world.subscriptions) {
                if (!matchesEventPattern(sub.pattern, event)) continue;
                const fn = functions.get(sub.functionArn);
                if (!fn) continue;
                const call: Promise<unknown> = lambdas!.invoke(fn, event).finally(() => running.delete(call));
                running.add(call);
            }
        });
        // Closed in reverse: stop routing events, end the function processes (a subscribed
        // invocation may be in a 60 s poll), then wait for those invocations to settle.
        closers.push(async () => void (await Promise.allSettled([...running])));
        closers.push(() => lambdas!.close());
        closers.push(unsubscribe);

        return {
            plan,
            world,
            region,
            engine,
            store,
            sfn,
            ecs,
            lambdas,
            stateMachineArn,
            clientEnvironment: () => ({
                AWS_ENDPOINT_URL_SFN: sfn.url,
                AWS_ENDPOINT_URL_ECS: ecs.url,
                STATE_MACHINE_ARN: stateMachineArn,
                ACTIVITY_ARN: world.activityArns[0] ?? "",
                AWS_REGION: region,
                ...DUMMY_CREDENTIALS,
            }),
            pendingSubscriptions: () => running.size,
            close: closeAll,
        };
    } catch (err) {
        await closeAll();
        throw err;
    }
}
