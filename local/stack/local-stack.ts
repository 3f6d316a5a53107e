// The whole stack on this machine: the planned program's state machines run by the local engine,
// its activities served by the local Step Functions endpoint, its Lambda functions run from their
// serialized archives by warm processes, its task definitions started by the local ECS endpoint as
// worker processes, its DynamoDB tables served by the local DynamoDB endpoint, and its EventBridge
// rules routing ECS task events to their functions. The same
// artefacts `pulumi up` would deploy, talking through the real SDK clients to 127.0.0.1.
import { ActivityStore } from "../sfn/activity-store";
import {
    ContainerLauncher,
    ContainerOutputLine,
    EcsEndpoint,
    FargateTimingOptions,
    startEcsEndpoint,
    TaskRecord,
} from "../ecs/endpoint";
import type { BundleForImage } from "../ecs/container-launcher";
import { HistoryEvent, InvokeLambda, LocalStepFunctions } from "../sfn/engine";
import {
    createLambdaRunner,
    InvokeResult,
    LambdaFunctionConfig,
    LambdaOutputLine,
    LambdaRunner,
} from "../lambda/runner";
import { DUMMY_CREDENTIALS, LOCAL_ACCOUNT, QUIET_SDK } from "../shared/account";
import { clientEnvironment } from "./client-environment";
import { evaluateProject, pickStateMachines, ProjectPlan } from "../program/plan";
import { startStepFunctionsEndpoint, StepFunctionsEndpoint } from "../sfn/endpoint";
import { createExecutionOperations } from "../sfn/execution-operations";
import * as fs from "fs";
import * as path from "path";
import { WORKER_BUNDLE_FILE } from "../../components/worker-bundle";
import { DeclaredWorld, readDeclaredWorld } from "./declared-world";
import { createEventBus, EventBus } from "../events/bus";
import { DynamoDbEndpoint, startDynamoDbEndpoint } from "../dynamodb/endpoint";
import { bundleProjectWorker } from "./project-worker";
import { placeholderReaper } from "./placeholder-reaper";
import { tasksOfExecution } from "./execution-tasks";
import { UsageRecorder } from "./usage-recorder";
import { lambdaFunctions, lambdaInvoker, qualifiedless } from "./stack-functions";

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
    /** Each invocation of a subscribed function (EventBridge → Lambda) once it has ended. */
    onSubscriptionResult?: (functionArn: string, event: unknown, result: InvokeResult) => void;
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
    /** Tests: caps every function's timeout (a trigger that hangs then times out in seconds). */
    maxLambdaTimeoutSeconds?: number;
    /** Tests: added to every container's environment (e.g. IDLE_TIMEOUT_SECONDS, NODE_OPTIONS). */
    containerEnvironment?: Record<string, string>;
    /** The Fargate timing model (`--fargate-timing realistic`). Default: off (tasks start at once). */
    fargateTiming?: FargateTimingOptions;
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
    readonly dynamodb: DynamoDbEndpoint;
    readonly lambdas: LambdaRunner;
    /** EventBridge's default bus, with its test hook for duplicate deliveries. */
    readonly events: EventBus;
    /** The only state machine, or the one the program exports as `stateMachineArn`. */
    readonly stateMachineArn: string;
    /**
     * The environment an SDK (or a worker in any language) needs to talk to this stack and name its
     * resources (see ./client-environment.ts).
     */
    clientEnvironment(): Record<string, string>;
    /** What the run used so far (Lambda invocations, log bytes), for the cost forecast. */
    readonly usage: UsageRecorder;
    /** Invokes one of the stack's functions directly (benchmarks warm the trigger this way). */
    invokeFunction(functionArn: string, event: unknown): Promise<InvokeResult>;
    /** Invocations of subscribed functions (EventBridge → Lambda) still running. */
    pendingSubscriptions(): number;
    /** The ECS tasks the execution's triggers started, oldest first. */
    tasksOf(executionArn: string): TaskRecord[];
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

/** Closes what was started, last first; start-up failures close what had started by then. */
class Closers {
    private readonly steps: Array<() => Promise<void> | void> = [];
    push(step: () => Promise<void> | void): void {
        this.steps.push(step);
    }
    async closeAll(): Promise<void> {
        for (const step of this.steps.splice(0).reverse()) await step();
    }
}

/**
 * The worker script each container runs: the bundle the plan built into its image's build context
 * (each step its own worker, as `pulumi up` would build it), or one entry of the user's for every
 * image. None with a launcher of one's own or external workers.
 */
async function workerBundles(options: LocalStackOptions, world: DeclaredWorld): Promise<BundleForImage | undefined> {
    if (options.launcher || options.externalWorkers) return undefined;
    if (options.workerEntry) {
        options.progress?.("bundling the worker");
        const bundle = await bundleProjectWorker(options.workerEntry);
        return () => bundle;
    }
    const built = new Map(world.images.map(i => [i.imageUri, path.join(i.context, WORKER_BUNDLE_FILE)]));
    return image => built.get(image);
}

/** The worker bundle's size: the image's own layer, which the timing model pulls on top of the base image. */
function bundleBytes(bundle: string | undefined): number | undefined {
    try {
        return bundle ? fs.statSync(bundle).size : undefined;
    } catch {
        return undefined;
    }
}

interface Wiring {
    options: LocalStackOptions;
    usage: UsageRecorder;
    world: DeclaredWorld;
    region: string;
    closers: Closers;
    /** The stack's own observers of every history event, besides the caller's `onEvent`. */
    observers: Array<(executionArn: string, event: HistoryEvent) => void>;
}

function startEngine(
    { options, world, region, closers, observers }: Wiring,
    store: ActivityStore,
    invokeLambda: InvokeLambda,
): LocalStepFunctions {
    const engine = new LocalStepFunctions({
        scheduler: store,
        invokeLambda,
        region,
        accountId: LOCAL_ACCOUNT,
        retryIntervalScale: options.retryIntervalScale,
        onEvent: (executionArn, event) => {
            for (const observer of observers) observer(executionArn, event);
            options.onEvent?.(executionArn, event);
        },
    });
    closers.push(() => engine.close());
    for (const sm of world.stateMachines)
        engine.createStateMachine({
            arn: sm.arn,
            name: sm.name,
            definition: sm.definition,
            roleArn: sm.roleArn,
            ...sm.settings,
        });
    return engine;
}

function startEcs(
    { options, world, region, closers, usage }: Wiring,
    stepFunctionsEndpoint: string,
    workerBundlePath: BundleForImage | undefined,
): Promise<EcsEndpoint> {
    return startEcsEndpoint({
        clusters: world.clusters,
        taskDefinitions: world.taskDefinitions,
        region,
        account: LOCAL_ACCOUNT,
        stepFunctionsEndpoint,
        workerBundlePath,
        externalWorkers: options.externalWorkers,
        launcher: options.launcher,
        output: line => {
            usage.containerOutput(line.taskId, line.line);
            if (options.containerOutput) options.containerOutput(line);
            else process.stderr.write(`[${line.taskId.slice(0, 8)}] ${line.line}\n`);
        },
        maxStopTimeoutMs: options.maxStopTimeoutMs,
        fargateTiming: options.fargateTiming,
        imageLayerBytes: image => bundleBytes(workerBundlePath?.(image)),
        port: options.port ? options.port + 1 : 0,
        extraEnvironment: { PATH: process.env.PATH ?? "", ...QUIET_SDK, ...options.containerEnvironment },
    }).then(ecs => {
        closers.push(() => ecs.close());
        return ecs;
    });
}

/**
 * EventBridge: ECS task events to the functions whose rules match them. Closed in reverse: stop
 * routing events, end the function processes (a subscribed invocation may be in a 60 s poll), then
 * wait for those invocations to settle.
 */
function routeEcsEvents(
    { options, world, closers, usage }: Wiring,
    ecs: EcsEndpoint,
    functions: Map<string, LambdaFunctionConfig>,
    lambdas: LambdaRunner,
): EventBus {
    const bus = createEventBus(
        world.eventRules.filter(rule => functions.has(rule.targetArn)),
        async (functionArn, event) => {
            const fn = functions.get(functionArn)!;
            const result = await usage.invoke(fn, event, () => lambdas.invoke(fn, event));
            options.onSubscriptionResult?.(functionArn, event, result);
            return result;
        },
        (functionArn, error) => process.stderr.write(`event delivery to ${functionArn} failed: ${String(error)}\n`),
    );
    closers.push(() => bus.drain());
    closers.push(() => lambdas.close());
    closers.push(ecs.onTaskStateChange(event => bus.publish(event)));
    return bus;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
    options.progress?.("planning the stack under the local engine");
    const plan = await evaluateProject(options.projectDir, options.stack, { configOverrides: options.configOverrides });
    const region = plan.config["aws:region"] ?? "us-east-1";
    const world = readDeclaredWorld(plan.resources);
    const stateMachineArn = pickStateMachine(plan);
    const functions = await lambdaFunctions(world, options.maxLambdaTimeoutSeconds);
    const workerBundlePath = await workerBundles(options, world);

    const usage = new UsageRecorder();
    const wiring: Wiring = { options, world, region, usage, closers: new Closers(), observers: [] };
    try {
        const store = new ActivityStore({ region, account: LOCAL_ACCOUNT, maxPollSeconds: options.maxPollSeconds });
        for (const arn of world.activityArns) store.registerActivity(arn);
        wiring.closers.push(() => store.close());
        // The engine invokes functions through the runner, which needs both endpoints' URLs first.
        let lambdas: LambdaRunner | undefined;
        const engine = startEngine(
            wiring,
            store,
            lambdaInvoker(functions, () => lambdas!, usage),
        );

        options.progress?.("starting the local Step Functions and ECS endpoints");
        const sfn = await startStepFunctionsEndpoint({
            store,
            port: options.port || 0,
            extraOperations: createExecutionOperations(engine),
        });
        wiring.closers.push(() => sfn.close());
        const ecs = await startEcs(wiring, sfn.url, workerBundlePath);
        const dynamodb = await startDynamoDbEndpoint({ tables: world.tables });
        usage.dynamoDbCounts = () => dynamodb.requestCounts();
        wiring.closers.push(() => dynamodb.close());
        if (options.externalWorkers) wiring.observers.push(placeholderReaper(ecs, world));
        lambdas = createLambdaRunner({
            region,
            account: LOCAL_ACCOUNT,
            baseEnvironment: {
                AWS_ENDPOINT_URL_ECS: ecs.url,
                AWS_ENDPOINT_URL_SFN: sfn.url,
                AWS_ENDPOINT_URL_DYNAMODB: dynamodb.url,
                ...DUMMY_CREDENTIALS,
                ...QUIET_SDK,
            },
            output: line => {
                usage.functionOutput(line.functionName, line.line);
                if (options.lambdaOutput) options.lambdaOutput(line);
                else process.stderr.write(`[λ ${line.functionName}] ${line.line}\n`);
            },
        });
        const bus = routeEcsEvents(wiring, ecs, functions, lambdas);

        return {
            plan,
            world,
            region,
            engine,
            store,
            sfn,
            ecs,
            dynamodb,
            lambdas,
            events: bus,
            stateMachineArn,
            clientEnvironment: () =>
                clientEnvironment(world, { region, sfnUrl: sfn.url, ecsUrl: ecs.url, stateMachineArn }),
            usage,
            invokeFunction: (arn, event) => {
                const fn = functions.get(qualifiedless(arn));
                if (!fn) return Promise.reject(new Error(`no function ${arn}`));
                return lambdas!.invoke(fn, event);
            },
            pendingSubscriptions: () => bus.pending(),
            tasksOf: executionArn => tasksOfExecution(ecs.tasks(), executionArn),
            close: () => wiring.closers.closeAll(),
        };
    } catch (err) {
        await wiring.closers.closeAll();
        throw err;
    }
}
