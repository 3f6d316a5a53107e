// The component library, `fargate-activity-step`. Every name exported here is a promise to
// consumers (api/fargate-activity-step.api.md is the reviewed list): the components and their
// arguments (the shared cluster's too), the step's block and the Map over steps, and the ASL building blocks they compose with.
// Internals (IAM documents, naming, validation tables, type tokens) are imported by path inside
// this repository and are not part of the API.
export { FargateActivityStep } from "./fargate-activity-step";
export type { Architecture, FargateActivityStepArgs } from "./fargate-activity-step-args";
export { FargateActivityCluster } from "./fargate-activity-cluster";
export type { FargateActivityClusterArgs } from "./fargate-activity-cluster-args";
export type { WorkerImage, WorkerImageRequest, WorkerSource } from "./worker-images";
export type { Capacity } from "../functions/trigger";
export { StepStateMachine } from "./step-state-machine";
export type { LogLevel, StepStateMachineArgs } from "./step-state-machine-args";
export { deriveStateMachineTimeout } from "./stack-settings";
export { RETRYABLE_STEP_ERRORS, StepBlock } from "./step-block";
export type { StepBlockProps, StepRetryArgs, StepStateOptions } from "./step-block";
export { stepMap } from "./step-map";
export type { StepMapProps } from "./step-map";

// ASL building blocks.
export { State, NextableState, RetryableState } from "./asl/state";
export { Chain } from "./asl/chain";
export { Task } from "./asl/task";
export type { TaskProps } from "./asl/task";
export { Pass } from "./asl/pass";
export type { PassProps } from "./asl/pass";
export { Parallel } from "./asl/parallel";
export type { ParallelProps } from "./asl/parallel";
export { MapState } from "./asl/map";
export type { MapProps } from "./asl/map";
export { Choice } from "./asl/choice";
export type { ChoiceRule } from "./asl/choice";
export { Succeed } from "./asl/succeed";
export { Fail } from "./asl/fail";
export type { FailProps } from "./asl/fail";
export type { AslValue, CatchProps, IChainable, IoProps, ResultProps, RetryProps } from "./asl/types";
export { renderDefinition } from "./asl/render";
export type { AslDefinition, AslStates, RenderOptions } from "./asl/render";
export { checkDefinition } from "./asl/check";
