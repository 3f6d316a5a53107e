// --docker: run each task's container with Docker instead of a Node process. UNTESTED here (no
// Docker engine on these machines): only the command line is tested. Host networking lets the
// container reach the local endpoints on 127.0.0.1.
import { spawn } from "child_process";
import { ContainerLaunch, ContainerLauncher, containerOf } from "./container-launcher";

export const LOCAL_WORKER_IMAGE = "fargate-activity-worker:local";
export const DOCKER_BUILD_COMMAND = `npm run build:worker && docker build -f worker-image/Dockerfile -t ${LOCAL_WORKER_IMAGE} worker-image/dist`;

/** The `docker run` arguments for one task's container. */
export function dockerRunArgs(
    launch: Pick<ContainerLaunch, "taskId" | "environment">,
    image = LOCAL_WORKER_IMAGE,
): string[] {
    const env = Object.entries(launch.environment)
        .filter(([name]) => name !== "PATH" && name !== "HOME")
        .flatMap(([name, value]) => ["--env", `${name}=${value}`]);
    // --init forwards SIGTERM to the worker as ECS's agent does; the name lets `docker stop` find it.
    return ["run", "--rm", "--init", "--network", "host", "--name", `local-task-${launch.taskId}`, ...env, image];
}

export function dockerLauncher(image = LOCAL_WORKER_IMAGE): ContainerLauncher {
    return launch =>
        containerOf(
            spawn("docker", dockerRunArgs(launch, image), { stdio: ["ignore", "pipe", "pipe"] }),
            launch,
            "CannotStartContainerError: docker",
        );
}
