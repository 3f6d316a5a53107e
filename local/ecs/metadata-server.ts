// A tiny task metadata endpoint (v4) on 127.0.0.1, so a local container can read what a Fargate
// container reads from ECS_CONTAINER_METADATA_URI_V4: `GET <uri>` (its container) and
// `GET <uri>/task` (its task, with TaskARN). The AWS JSON server only speaks POST /, hence a
// second server. Each container's URI is `http://127.0.0.1:<port>/v4/<task id>`.
import * as http from "http";
import { AddressInfo } from "net";
import { TaskRecord } from "./types";

export interface MetadataServer {
    /** The ECS_CONTAINER_METADATA_URI_V4 value for a task. */
    uriFor(taskId: string): string;
    close(): Promise<void>;
}

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

function containerMetadata(task: TaskRecord, family: string, revision: string) {
    return {
        DockerId: task.taskId + "-0",
        Name: task.containerName,
        DockerName: task.containerName,
        Image: task.image,
        Labels: {
            "com.amazonaws.ecs.cluster": task.clusterArn,
            "com.amazonaws.ecs.container-name": task.containerName,
            "com.amazonaws.ecs.task-arn": task.taskArn,
            "com.amazonaws.ecs.task-definition-family": family,
            "com.amazonaws.ecs.task-definition-version": revision,
        },
        DesiredStatus: task.desiredStatus,
        KnownStatus: task.lastStatus,
        CreatedAt: iso(task.createdAt),
        StartedAt: iso(task.startedAt),
        Type: "NORMAL",
        ContainerARN: task.containerArn,
        LogDriver: "awslogs",
        Networks: [{ NetworkMode: "awsvpc", IPv4Addresses: ["127.0.0.1"] }],
    };
}

export function taskMetadata(task: TaskRecord) {
    const [family, revision] = task.taskDefinitionArn.slice(task.taskDefinitionArn.lastIndexOf("/") + 1).split(":");
    return {
        Cluster: task.clusterArn,
        TaskARN: task.taskArn,
        Family: family,
        Revision: revision,
        DesiredStatus: task.desiredStatus,
        KnownStatus: task.lastStatus,
        Limits: {
            CPU: task.cpu ? Number(task.cpu) / 1024 : undefined,
            Memory: task.memory ? Number(task.memory) : undefined,
        },
        PullStartedAt: iso(task.pullStartedAt),
        PullStoppedAt: iso(task.pullStoppedAt),
        AvailabilityZone: task.availabilityZone,
        LaunchType: task.launchType,
        Containers: [containerMetadata(task, family, revision)],
    };
}

/** `beforeAnswer` runs (and is awaited) before each answer about a known task. */
export function startMetadataServer(
    lookup: (taskId: string) => TaskRecord | undefined,
    beforeAnswer: (taskId: string) => Promise<void> | void = () => undefined,
): Promise<MetadataServer> {
    const server = http.createServer(async (req, res) => {
        const match = /^\/v4\/([0-9a-f]{32})(\/task|\/stats|\/task\/stats)?\/?$/.exec((req.url ?? "").split("?")[0]);
        if (match && lookup(match[1])) await beforeAnswer(match[1]);
        const task = match ? lookup(match[1]) : undefined;
        let body: unknown;
        if (req.method !== "GET" || !match || !task) body = undefined;
        else if (match[2] === "/task") body = taskMetadata(task);
        else if (match[2] === undefined) body = taskMetadata(task).Containers[0];
        else body = {}; // stats: nothing measured locally
        const text = body === undefined ? JSON.stringify({ message: "not found" }) : JSON.stringify(body);
        res.writeHead(body === undefined ? 404 : 200, {
            "Content-Type": "application/json",
            "Content-Length": Buffer.byteLength(text),
        });
        res.end(text);
    });
    return new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", () => {
            const port = (server.address() as AddressInfo).port;
            resolve({
                uriFor: taskId => `http://127.0.0.1:${port}/v4/${taskId}`,
                close: () =>
                    new Promise<void>(done => {
                        server.close(() => done());
                        server.closeAllConnections();
                    }),
            });
        });
    });
}
