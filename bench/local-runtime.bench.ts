// Local runtime building blocks: the warm Lambda runner's per-invoke overhead and cold start, and
// the local ECS endpoint's RunTask → RUNNING time, each next to a floor measured in the same run.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ECSClient, RunTaskCommand } from "@aws-sdk/client-ecs";
import type { BenchRow } from "./run";
import { startEcsEndpoint } from "../local/ecs/endpoint";
import { createLambdaRunner } from "../local/lambda/runner";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x: number) => `${x.toFixed(x < 1 ? 3 : 1)} ms`;

function nodeStartFloor(runs = 7): number {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        execFileSync(process.execPath, ["-e", "0"]);
        samples.push(performance.now() - t0);
    }
    return median(samples);
}

async function lambdaRows(floor: number): Promise<BenchRow[]> {
    const runner = createLambdaRunner({ output: () => undefined });
    try {
        const noop = { functionName: "noop", code: "exports.handler = async e => e;" };
        await runner.invoke(noop, 0);
        const warm: number[] = [];
        for (let i = 0; i < 500; i++) {
            const t0 = performance.now();
            await runner.invoke(noop, i);
            warm.push(performance.now() - t0);
        }
        const cold: number[] = [];
        for (let i = 0; i < 5; i++) {
            // A new code version is a new environment: a cold start that loads the ECS SDK.
            const fn = {
                functionName: "sdk",
                code: `const { ECSClient } = require("@aws-sdk/client-ecs"); new ECSClient({}); exports.handler = async () => ${i};`,
            };
            const t0 = performance.now();
            await runner.invoke(fn, null);
            cold.push(performance.now() - t0);
        }
        return [
            {
                name: "Lambda warm invoke overhead (median of 500)",
                value: ms(median(warm)),
                note: "IPC round trip to a warm child process; event and result as JSON",
            },
            {
                name: "Lambda cold start loading @aws-sdk/client-ecs",
                value: `${ms(median(cold))} (${(median(cold) / floor).toFixed(2)}× node -e 0)`,
                note: `floor: node -e 0 = ${ms(floor)}`,
            },
        ];
    } finally {
        await runner.close();
    }
}

async function ecsRows(floor: number): Promise<BenchRow[]> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ecs-bench-"));
    const bundle = path.join(dir, "worker.js");
    fs.writeFileSync(bundle, "setTimeout(() => {}, 200);");
    const region = "us-east-1";
    const endpoint = await startEcsEndpoint({
        region,
        workerBundlePath: bundle,
        output: () => undefined,
        clusters: [{ arn: `arn:aws:ecs:${region}:000000000000:cluster/bench`, name: "bench" }],
        taskDefinitions: [
            {
                arn: `arn:aws:ecs:${region}:000000000000:task-definition/w:1`,
                family: "w",
                revision: 1,
                containerDefinitions: [{ name: "w" }],
            },
        ],
    });
    const ecs = new ECSClient({
        endpoint: endpoint.url,
        region,
        credentials: { accessKeyId: "AKIALOCAL", secretAccessKey: "x" },
    });
    const request = {
        cluster: "bench",
        taskDefinition: "w",
        launchType: "FARGATE" as const,
        networkConfiguration: { awsvpcConfiguration: { subnets: ["s"] } },
    };
    try {
        const single: number[] = [];
        for (let i = 0; i < 20; i++) {
            const t0 = performance.now();
            const { tasks } = await ecs.send(new RunTaskCommand(request));
            await endpoint.waitForTaskStatus(tasks![0].taskArn!, "RUNNING");
            single.push(performance.now() - t0);
            await endpoint.waitForTaskStatus(tasks![0].taskArn!, "STOPPED");
        }
        const t0 = performance.now();
        const answers = await Promise.all(
            Array.from({ length: 10 }, () => ecs.send(new RunTaskCommand({ ...request, count: 10 }))),
        );
        const arns = answers.flatMap(a => a.tasks!.map(t => t.taskArn!));
        await Promise.all(arns.map(arn => endpoint.waitForTaskStatus(arn, "RUNNING", 60_000)));
        const hundred = performance.now() - t0;
        await Promise.all(arns.map(arn => endpoint.waitForTaskStatus(arn, "STOPPED", 60_000)));
        return [
            {
                name: "ECS RunTask → RUNNING (median of 20)",
                value: ms(median(single)),
                note: "through the SDK; RUNNING = the container process has spawned",
            },
            {
                name: "ECS 100 tasks (10 × count 10) → all RUNNING",
                value: `${ms(hundred)} (${(hundred / floor).toFixed(1)}× one node -e 0)`,
            },
        ];
    } finally {
        ecs.destroy();
        await endpoint.close();
        fs.rmSync(dir, { recursive: true, force: true });
    }
}

export async function run(): Promise<BenchRow[]> {
    const floor = nodeStartFloor();
    return [...(await lambdaRows(floor)), ...(await ecsRows(floor))];
}
