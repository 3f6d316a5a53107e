// The stop-signal cases of `npm start -- --serve` (tests/e2e/stop-signals*.test.ts): a served runtime
// with a Lambda invocation in flight (the healer in its 60 s GetActivityTask poll) gets one signal;
// within 5 s every process of npm's tree, snapshotted just before the signal, has ended and both
// endpoints' ports refuse connections.
import * as assert from "assert";
import { execFileSync } from "child_process";
import * as net from "net";
import {
    GetActivityTaskCommand,
    GetExecutionHistoryCommand,
    SFNClient,
    StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { ECSClient, ListTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { descendantsOf } from "../../local/cli/descendants";
import { Serving, serveWithNpm } from "./npm-serve";
import { LOCAL_CLIENT_CREDENTIALS } from "./local-client";

/**
 * Puts the healer in its GetActivityTask long poll: an execution's placeholder task is stopped
 * (exit 143, so the healer runs) after this test took the execution's activity task, so the
 * healer finds no pending task to claim and waits.
 */
async function healerInPoll({ env }: Serving): Promise<void> {
    const config = { credentials: LOCAL_CLIENT_CREDENTIALS, region: env.AWS_REGION };
    const sfn = new SFNClient({ ...config, endpoint: env.AWS_ENDPOINT_URL_SFN });
    const ecs = new ECSClient({ ...config, endpoint: env.AWS_ENDPOINT_URL_ECS });
    try {
        const { executionArn } = await sfn.send(
            new StartExecutionCommand({ stateMachineArn: env.STATE_MACHINE_ARN, input: "{}" }),
        );
        const held = await sfn.send(new GetActivityTaskCommand({ activityArn: env.ACTIVITY_ARN, workerName: "held" }));
        assert.ok(held.taskToken, "the execution's task was pending");
        const { taskArns } = await ecs.send(new ListTasksCommand({ cluster: env.ECS_CLUSTER }));
        assert.strictEqual(taskArns!.length, 1, "one placeholder running");
        await ecs.send(new StopTaskCommand({ cluster: env.ECS_CLUSTER, task: taskArns![0] }));
        // The healer reads the history, then polls; give it time to get there.
        await new Promise(r => setTimeout(r, 2000));
        const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
        assert.ok(!history.events!.some(e => e.type === "ActivityFailed"), "the healer found nothing to fail yet");
    } finally {
        sfn.destroy();
        ecs.destroy();
    }
}

/** The processes of `pids` still alive (zombies count as ended). */
function living(pids: number[]): number[] {
    if (pids.length === 0) return [];
    let out: string;
    try {
        out = execFileSync("ps", ["-o", "pid=,stat=", "-p", pids.join(",")], { encoding: "utf8" });
    } catch {
        return []; // ps exits 1 when none is found
    }
    return out
        .split("\n")
        .map(line => line.trim().split(/\s+/))
        .filter(([pid, stat]) => pid && !stat?.startsWith("Z"))
        .map(([pid]) => Number(pid));
}

function refuses(port: number): Promise<boolean> {
    return new Promise(resolve => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => (socket.destroy(), resolve(false)));
        socket.once("error", () => resolve(true));
    });
}

/** Ms from now until every pid has ended and both ports refuse; throws past `limitMs`. */
async function timeToClean(pids: number[], ports: number[], limitMs: number): Promise<number> {
    const started = Date.now();
    for (;;) {
        const left = living(pids);
        const open = (await Promise.all(ports.map(refuses))).some(refused => !refused);
        if (left.length === 0 && !open) return Date.now() - started;
        if (Date.now() - started > limitMs)
            throw new Error(`after ${limitMs} ms: processes ${left.join(", ") || "none"}, ports open: ${open}`);
        await new Promise(r => setTimeout(r, 50));
    }
}

const portOf = (url: string) => Number(new URL(url).port);

/** One case: `signal` to npm or to the runtime, then no process left and both ports closed within 5 s. */
export function endsCleanlyOn(signal: NodeJS.Signals, target: "npm" | "runtime"): void {
    it(`${signal} to ${target}: no process left and both ports closed within 5 s`, async () => {
        const serving = await serveWithNpm(["--external-workers"]);
        try {
            await healerInPoll(serving);
            const npmPid = serving.npm.pid!;
            const tree = [npmPid, ...descendantsOf(npmPid)];
            const runtime = descendantsOf(npmPid)[0];
            assert.ok(tree.length >= 3, `npm, the runtime and its Lambda hosts: ${tree.join(", ")}`);
            process.kill(target === "npm" ? npmPid : runtime, signal);
            const ms = await timeToClean(
                tree,
                [portOf(serving.env.AWS_ENDPOINT_URL_SFN), portOf(serving.env.AWS_ENDPOINT_URL_ECS)],
                5000,
            );
            process.stderr.write(`      ${signal} → ${target}: clean after ${ms} ms (${tree.length} processes)\n`);
        } finally {
            for (const pid of living([serving.npm.pid!, ...descendantsOf(serving.npm.pid!)]))
                process.kill(pid, "SIGKILL");
        }
    });
}
