// The component library: steps, the state machine around them, and the ASL building blocks.
export * from "./asl";
export * from "./fargate-activity-step";
export * from "./fargate-sizes";
export * from "./iam-policies";
export * from "./names";
export * from "./step-block";
export * from "./step-map";
export * from "./step-timing";
export { defaultImageBuild } from "./worker-image";
export * from "./step-state-machine";
export * from "./stack-settings";
export type { Capacity } from "../functions/trigger";
