// An ETL pipeline from three Fargate steps: `extract` on a small ARM64 task feeds `transform` on
// a larger one, then `load` runs once per file in a Map. Everything here is what a consumer of the
// library writes; the worker image comes from ./worker.
import * as pulumi from "@pulumi/pulumi";
import { Fail, FargateActivityStep, StepStateMachine, stepMap, Succeed } from "fargate-activity-step";

const config = new pulumi.Config();
const imageBuild = { context: __dirname, dockerfile: `${__dirname}/worker/Dockerfile` };

const extract = new FargateActivityStep("extract", {
    cpu: 256,
    memory: 512,
    architecture: "ARM64",
    imageBuild,
    timeoutSeconds: 900,
    heartbeatSeconds: 60,
});
const transform = new FargateActivityStep("transform", {
    cpu: 2048,
    memory: 8192,
    imageBuild,
    timeoutSeconds: 3600,
    heartbeatSeconds: 120,
    environment: { MODE: "transform" },
    secrets: config.get("dbSecretArn") ? { DB_PASSWORD: config.require("dbSecretArn") } : undefined,
});
const load = new FargateActivityStep("load", {
    cpu: 512,
    memory: 1024,
    imageBuild,
    timeoutSeconds: 600,
    heartbeatSeconds: 60,
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
