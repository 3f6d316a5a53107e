// The worker's Fargate task definition: one essential container that polls the step's activity,
// with its size, platform, environment, secrets and logs.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { validateFargateSize } from "./fargate-sizes";
import { WORKER_CONTAINER_NAME } from "../functions/task-execution";
import { WorkerIdentity } from "./worker-identity";

/** Lets a stopped worker finish an open 60 s poll before SIGKILL (Fargate's maximum). */
export const WORKER_STOP_TIMEOUT_SECONDS = 120;
/** The trigger's environment override names this container (functions/task-execution.ts). */
export { WORKER_CONTAINER_NAME } from "../functions/task-execution";

export interface WorkerTaskDefinitionArgs {
    family: string;
    cpu: pulumi.Input<number>;
    memory: pulumi.Input<number>;
    architecture: pulumi.Input<string>;
    identity: WorkerIdentity;
    imageUri: pulumi.Input<string>;
    /** The user's variables; the worker's own (see `worker`) follow and win. */
    environment: Record<string, pulumi.Input<string>>;
    /** Variable name → ARN; ECS puts each secret's value into the environment. */
    secrets: Record<string, pulumi.Input<string>>;
    /** What the worker reads from ACTIVITY_ARN, AWS_REGION, HEARTBEAT_SECONDS and JOB_DURATION_MS. */
    worker: {
        activityArn: pulumi.Input<string>;
        region: pulumi.Input<string>;
        heartbeatSeconds: number;
        jobDurationMs: pulumi.Output<number>;
    };
}

/** The size as the task definition wants it; a size that is an output is checked when it resolves. */
function taskSize(cpu: pulumi.Input<number>, memory: pulumi.Input<number>) {
    return pulumi.all([cpu, memory]).apply(([c, m]) => {
        validateFargateSize(c, m);
        return { cpu: String(c), memory: String(m) };
    });
}

export function createWorkerTaskDefinition(
    name: string,
    args: WorkerTaskDefinitionArgs,
    parent: pulumi.Resource,
): aws.ecs.TaskDefinition {
    const size = taskSize(args.cpu, args.memory);
    const environment: Record<string, pulumi.Input<string>> = {
        ...args.environment,
        ACTIVITY_ARN: args.worker.activityArn,
        AWS_REGION: args.worker.region,
        HEARTBEAT_SECONDS: String(args.worker.heartbeatSeconds),
        JOB_DURATION_MS: args.worker.jobDurationMs.apply(String),
    };
    const secretEntries = Object.entries(args.secrets);
    return new aws.ecs.TaskDefinition(
        `${name}-task`,
        {
            family: args.family,
            requiresCompatibilities: ["FARGATE"],
            networkMode: "awsvpc",
            cpu: size.cpu,
            memory: size.memory,
            runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: args.architecture },
            executionRoleArn: args.identity.executionRole.arn,
            taskRoleArn: args.identity.taskRole.arn,
            containerDefinitions: pulumi.jsonStringify([
                {
                    name: WORKER_CONTAINER_NAME,
                    image: args.imageUri,
                    essential: true,
                    stopTimeout: WORKER_STOP_TIMEOUT_SECONDS,
                    environment: Object.entries(environment).map(([n, value]) => ({ name: n, value })),
                    ...(secretEntries.length > 0
                        ? { secrets: secretEntries.map(([n, valueFrom]) => ({ name: n, valueFrom })) }
                        : {}),
                    logConfiguration: {
                        logDriver: "awslogs",
                        options: {
                            "awslogs-group": args.identity.logGroup.name,
                            "awslogs-region": args.worker.region,
                            "awslogs-stream-prefix": WORKER_CONTAINER_NAME,
                        },
                    },
                },
            ]),
        },
        { parent },
    );
}
