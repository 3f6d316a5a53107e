// The Fargate timing model: each task passes the states of the ECS task life cycle, in AWS's order
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html),
// with the timestamps DescribeTasks returns, driven by the model's timers alone (nothing here calls
// DescribeTasks until the task has stopped); a seed repeats a run; Spot tasks can be interrupted.
// The time scale shrinks a ~40 s model life to well under a second.
import * as assert from "assert";
import { DescribeTasksCommand, ECSClient, RunTaskCommand, RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { ContainerLauncher, EcsEndpoint, EcsEndpointOptions, startEcsEndpoint } from "../../../local/ecs/endpoint";
import { FargateTiming, samplePhase, seededRandom } from "../../../local/ecs/timing-model";
import { SPOT_INTERRUPTION_REASON } from "../../../local/ecs/task-lifecycle";
import { TaskRecord } from "../../../local/ecs/types";
import MODEL from "../../../local/ecs/fargate-timing.json";

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const CLUSTER = {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/work`,
    name: "work",
    capacityProviders: ["FARGATE", "FARGATE_SPOT"],
};
const TASK_DEFINITION = {
    arn: `arn:aws:ecs:${REGION}:${ACCOUNT}:task-definition/worker:1`,
    family: "worker",
    revision: 1,
    cpu: "256",
    memory: "512",
    containerDefinitions: [{ name: "worker", image: "worker:latest", essential: true, stopTimeout: 30 }],
};
const NETWORK = { awsvpcConfiguration: { subnets: ["subnet-a"], assignPublicIp: "ENABLED" as const } };
const ON_DEMAND: RunTaskCommandInput = {
    cluster: "work",
    taskDefinition: "worker",
    launchType: "FARGATE",
    networkConfiguration: NETWORK,
};
const SPOT: RunTaskCommandInput = {
    cluster: "work",
    taskDefinition: "worker",
    capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }],
    networkConfiguration: NETWORK,
};
const SCALE = 0.002;

/** A container that lives `lifeMs` (or until SIGKILL), ignoring SIGTERM when told to; records its signals. */
function fakeLauncher(lifeMs: number, options: { ignoreSigterm?: boolean; failStart?: string } = {}) {
    const signals: string[] = [];
    const launcher: ContainerLauncher = () => {
        if (options.failStart)
            return { started: Promise.reject(new Error(options.failStart)), exited: Promise.resolve({}), signal() {} };
        let end!: (exit: { exitCode?: number; signal?: NodeJS.Signals }) => void;
        const exited = new Promise<{ exitCode?: number; signal?: NodeJS.Signals }>(resolve => (end = resolve));
        const timer = setTimeout(() => end({ exitCode: 0 }), lifeMs);
        return {
            started: Promise.resolve(),
            exited,
            signal(signal) {
                signals.push(signal);
                if (signal === "SIGTERM" && options.ignoreSigterm) return;
                clearTimeout(timer);
                end({ signal });
            },
        };
    };
    return { launcher, signals };
}

async function withEndpoint(
    options: Partial<EcsEndpointOptions>,
    body: (ecs: EcsEndpoint, client: ECSClient, history: Map<string, TaskRecord[]>) => Promise<void>,
): Promise<void> {
    const ecs = await startEcsEndpoint({
        clusters: [CLUSTER],
        taskDefinitions: [TASK_DEFINITION],
        region: REGION,
        launcher: fakeLauncher(20).launcher,
        fargateTiming: { seed: 7, timeScale: SCALE },
        ...options,
    });
    const history = new Map<string, TaskRecord[]>();
    ecs.onTaskStateChange(event => {
        const list = history.get(event.detail.taskArn) ?? [];
        list.push(ecs.task(event.detail.taskArn)!);
        history.set(event.detail.taskArn, list);
    });
    const client = new ECSClient({
        endpoint: ecs.url,
        region: REGION,
        credentials: { accessKeyId: "x", secretAccessKey: "x" },
    });
    try {
        await body(ecs, client, history);
    } finally {
        client.destroy();
        await ecs.close();
    }
}

async function runTask(client: ECSClient, request: RunTaskCommandInput): Promise<string> {
    const answer = await client.send(new RunTaskCommand(request));
    return answer.tasks![0].taskArn!;
}

/** The statuses a task passed, each once, in order. */
function statuses(records: TaskRecord[]): string[] {
    return records.map(r => r.lastStatus).filter((status, i, all) => i === 0 || all[i - 1] !== status);
}

describe("Fargate timing model", function () {
    this.timeout(30_000);

    it("takes a task through every state of the ECS task life cycle, in order, with DescribeTasks' timestamps", async () => {
        await withEndpoint({}, async (ecs, client, history) => {
            const arn = await runTask(client, ON_DEMAND);
            const stopped = await ecs.waitForTaskStatus(arn, "STOPPED", 20_000);
            assert.deepStrictEqual(statuses(history.get(arn)!), [
                "PROVISIONING",
                "PENDING",
                "ACTIVATING",
                "RUNNING",
                "DEACTIVATING",
                "STOPPING",
                "DEPROVISIONING",
                "STOPPED",
            ]);
            const order = [
                "createdAt",
                "pullStartedAt",
                "pullStoppedAt",
                "startedAt",
                "stoppingAt",
                "executionStoppedAt",
                "stoppedAt",
            ] as const;
            for (let i = 1; i < order.length; i++)
                assert.ok(stopped[order[i]]! >= stopped[order[i - 1]]!, `${order[i - 1]} ≤ ${order[i]}`);
            // Each phase lasted at least what the model sampled (timers never fire early; load only adds).
            const plan = ecs.taskTiming(arn)!;
            const atLeast = (from: number, to: number, modelSeconds: number, what: string) =>
                assert.ok(to - from >= modelSeconds * 1000 * SCALE - 2, `${what}: ${to - from} ms`);
            atLeast(stopped.createdAt, stopped.pullStartedAt!, plan.provisioning, "provisioning");
            atLeast(stopped.pullStartedAt!, stopped.pullStoppedAt!, plan.pull, "pull");
            atLeast(stopped.pullStoppedAt!, stopped.startedAt!, plan.containerStart, "container start");
            atLeast(
                stopped.executionStoppedAt!,
                stopped.stoppedAt!,
                plan.deactivating + plan.stopping + plan.deprovisioning,
                "stop",
            );
            assert.strictEqual(stopped.stopCode, "EssentialContainerExited");
            assert.strictEqual(stopped.exitCode, 0);
            const wire = (await client.send(new DescribeTasksCommand({ cluster: "work", tasks: [arn] }))).tasks![0];
            for (const field of order) assert.ok(wire[field] instanceof Date, `DescribeTasks has ${field}`);
        });
    });

    it("stops a task that cannot start through DEPROVISIONING, with its reason", async () => {
        const { launcher } = fakeLauncher(20, { failStart: "CannotPullContainerError: not found" });
        await withEndpoint({ launcher }, async (ecs, client, history) => {
            const arn = await runTask(client, ON_DEMAND);
            const stopped = await ecs.waitForTaskStatus(arn, "STOPPED", 20_000);
            assert.deepStrictEqual(statuses(history.get(arn)!), [
                "PROVISIONING",
                "PENDING",
                "ACTIVATING",
                "DEPROVISIONING",
                "STOPPED",
            ]);
            assert.strictEqual(stopped.stopCode, "TaskFailedToStart");
            assert.match(stopped.stoppedReason!, /CannotPullContainerError/);
            assert.strictEqual(stopped.startedAt, undefined);
        });
    });

    it("repeats a run's delays for the same seed, and not for another", async () => {
        const plans = async (seed: number) => {
            let result: unknown[] = [];
            await withEndpoint({ fargateTiming: { seed, timeScale: SCALE } }, async (ecs, client) => {
                const arns = [
                    await runTask(client, ON_DEMAND),
                    await runTask(client, SPOT),
                    await runTask(client, ON_DEMAND),
                ];
                result = arns.map(arn => ecs.taskTiming(arn));
                await Promise.all(arns.map(arn => ecs.waitForTaskStatus(arn, "STOPPED", 20_000)));
            });
            return result;
        };
        const first = await plans(42);
        assert.deepStrictEqual(await plans(42), first);
        assert.notDeepStrictEqual(await plans(43), first);
    });

    it("samples each phase around the median of its figures, within their range", () => {
        const random = seededRandom(1);
        for (const [name, figures] of Object.entries(MODEL.phases)) {
            const draws = Array.from({ length: 2000 }, () => samplePhase(figures, random)).sort((a, b) => a - b);
            const median = draws[1000];
            assert.ok(
                Math.abs(median - figures.medianSeconds) / figures.medianSeconds < 0.1,
                `${name}: median ${median}`,
            );
            assert.ok(draws[0] >= figures.minSeconds && draws[1999] <= figures.maxSeconds, name);
        }
        const timing = new FargateTiming({ seed: 1 });
        const small = timing.planTask(50e6, false).pull;
        const large = new FargateTiming({ seed: 1 }).planTask(500e6, false).pull;
        assert.ok(
            Math.abs(large - small - 450e6 / (MODEL.imagePull.megabytesPerSecond * 1e6)) < 1e-9,
            "pull grows with size",
        );
    });

    it("interrupts Spot tasks: SIGTERM with TerminationNotice, SIGKILL after stopTimeout, stopped with SpotInterruption", async () => {
        const { launcher, signals } = fakeLauncher(60_000, { ignoreSigterm: true });
        await withEndpoint(
            {
                launcher,
                maxStopTimeoutMs: 50,
                fargateTiming: { seed: 3, timeScale: SCALE, spotInterruptionProbability: 1 },
            },
            async (ecs, client, history) => {
                const arn = await runTask(client, SPOT);
                const stopped = await ecs.waitForTaskStatus(arn, "STOPPED", 20_000);
                const notice = history.get(arn)!.find(r => r.stopCode === "TerminationNotice");
                assert.ok(notice, "a warning event");
                assert.strictEqual(notice!.lastStatus, "RUNNING");
                assert.strictEqual(notice!.desiredStatus, "STOPPED");
                assert.deepStrictEqual(signals, ["SIGTERM", "SIGKILL"]);
                assert.strictEqual(stopped.stopCode, "SpotInterruption");
                assert.strictEqual(stopped.stoppedReason, SPOT_INTERRUPTION_REASON);
                assert.strictEqual(stopped.exitCode, 137);
            },
        );
    });

    it("never interrupts an on-demand task", async () => {
        await withEndpoint(
            { fargateTiming: { seed: 3, timeScale: SCALE, spotInterruptionProbability: 1 } },
            async (ecs, client) => {
                const arn = await runTask(client, ON_DEMAND);
                const stopped = await ecs.waitForTaskStatus(arn, "STOPPED", 20_000);
                assert.strictEqual(stopped.stopCode, "EssentialContainerExited");
                assert.strictEqual(ecs.taskTiming(arn)!.spotInterruptionAfter, undefined);
            },
        );
    });
});
