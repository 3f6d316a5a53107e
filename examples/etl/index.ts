// An ETL pipeline from three Fargate steps: `extract` on a small ARM64 task feeds `transform` on
// a larger one, then `load` runs once per file in a Map. Everything here is what a consumer of the
// library writes. The steps share one network, ECS cluster and image repository; their worker,
// ./worker/main.ts, is bundled on the deploying machine into one image per architecture.
import * as pulumi from "@pulumi/pulumi";
import {
    Fail,
    FargateActivityCluster,
    FargateActivityStep,
    StepStateMachine,
    stepMap,
    Succeed,
} from "fargate-activity-step";

const config = new pulumi.Config();
// One heartbeat for every step, when set (a short one to try the worker's heartbeats locally).
const heartbeatSeconds = config.getNumber("heartbeatSeconds");
const cluster = new FargateActivityCluster("shared");
// Resolved against the project directory, where `pulumi up` runs.
const worker = "worker/main.ts";

const extract = new FargateActivityStep("extract", {
    cluster,
    worker,
    cpu: 256,
    memory: 512,
    architecture: "ARM64",
    timeoutSeconds: 900,
    heartbeatSeconds: heartbeatSeconds ?? 60,
});
const transform = new FargateActivityStep("transform", {
    cluster,
    worker,
    cpu: 2048,
    memory: 8192,
    timeoutSeconds: 3600,
    heartbeatSeconds: heartbeatSeconds ?? 120,
    environment: { MODE: "transform" },
    secrets: config.get("dbSecretArn") ? { DB_PASSWORD: config.require("dbSecretArn") } : undefined,
});
const load = new FargateActivityStep("load", {
    cluster,
    worker,
    cpu: 512,
    memory: 1024,
    timeoutSeconds: 600,
    heartbeatSeconds: heartbeatSeconds ?? 60,
});

const failed = new Fail("failed", { errorPath: "$.Error", causePath: "$.Cause" });
const definition = extract
    .block({ resultPath: "$.extracted" })
    .addCatch(failed)
    .next(
        transform.block({ parameters: { "rows.$": "$.extracted.rows" }, resultPath: "$.transformed" }).addCatch(failed),
    )
    .next(
        stepMap(
            "load-each",
            { itemsPath: "$.transformed.files", itemKey: "file", resultPath: "$.loaded" },
            load.block(),
        ).addCatch(failed),
    )
    .next(new Succeed("done"));

const etl = new StepStateMachine("etl", {
    definition,
    steps: [extract, transform, load],
    timeoutSeconds: 4 * 3600,
    alarms: {},
});

export const stateMachineArn = etl.arn;
