// The `docker run` command line of npm start --docker.
import * as assert from "assert";
import { dockerRunArgs } from "../../../local/ecs/docker-launcher";

describe("--docker command line (the path itself is untested: no Docker engine here)", () => {
    it("runs the local image with the task's environment on the host network, removed after", () => {
        const args = dockerRunArgs({
            taskId: "abc",
            environment: { PATH: "/usr/bin", ACTIVITY_ARN: "arn:x", AWS_ENDPOINT_URL_SFN: "http://127.0.0.1:5000" },
        });
        assert.deepStrictEqual(args, [
            "run",
            "--rm",
            "--init",
            "--network",
            "host",
            "--name",
            "local-task-abc",
            "--env",
            "ACTIVITY_ARN=arn:x",
            "--env",
            "AWS_ENDPOINT_URL_SFN=http://127.0.0.1:5000",
            "fargate-activity-worker:local",
        ]);
    });
});
