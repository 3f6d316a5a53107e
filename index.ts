// The program: the seed's pipeline for one stack. `trigger-ecs` starts a Fargate task,
// `execute-ecs` waits while its worker takes the activity task, then the execution is done
// with the worker's output; a final failure ends in `failed` with its error name and cause.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
    deriveStateMachineTimeout,
    Fail,
    FargateActivityCluster,
    FargateActivityStep,
    StepStateMachine,
    Succeed,
} from "./components";
import { readStackSettings } from "./components/stack-settings";

const config = new pulumi.Config();
const settings = readStackSettings(key => config.get(key));

// The network, ECS cluster and image repository the pipeline's steps share. A stack deployed with
// version 0.1 had them as children of the step `ecs`: adopting them keeps them (no replacement).
const cluster = new FargateActivityCluster("shared", { adoptFromStep: "ecs" });

const step = new FargateActivityStep("ecs", {
    cluster,
    cpu: settings.cpu,
    memory: settings.memory,
    architecture: settings.architecture,
    capacity: settings.capacity,
    timeoutSeconds: settings.taskTimeoutSeconds,
    heartbeatSeconds: settings.heartbeatSeconds,
    logRetentionDays: settings.logRetentionDays,
    jobDurationMs: settings.jobDurationMs,
    waitForRunning: settings.waitForRunning,
    scheduleTimeAlarm: settings.alarms ? { topicArn: settings.alarmTopicArn } : undefined,
});

const failed = new Fail("failed", {
    comment: "Keeps the failing step's error name and cause",
    errorPath: "$.Error",
    causePath: "$.Cause",
});
const definition = step
    .block()
    .addCatch(failed, { errors: ["States.ALL"] })
    .next(new Succeed("done"));

const machine = new StepStateMachine("pipeline", {
    comment: "Runs the ecs step on Fargate: trigger-ecs starts the container, execute-ecs waits for its worker",
    definition,
    steps: [step],
    timeoutSeconds: settings.stateMachineTimeoutSeconds ?? deriveStateMachineTimeout(step),
    logLevel: settings.logLevel,
    includeExecutionData: settings.includeExecutionData,
    logRetentionDays: settings.logRetentionDays,
    alarms: settings.alarms ? { topicArn: settings.alarmTopicArn } : undefined,
});

const region = aws.getRegionOutput().region;

export const stateMachineArn = machine.arn;
export const activityArn = step.activityArn;
export const startExecutionCommand = pulumi.interpolate`aws stepfunctions start-execution --region ${region} --state-machine-arn ${machine.arn} --input '{"echo":"hello"}'`;
