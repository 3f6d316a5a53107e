// The components' type tokens: part of every URN they and their children have, so never renamed
// (a new token would make Pulumi replace everything a stack holds).
export const FARGATE_ACTIVITY_STEP_TYPE = "fargate-activity:steps:FargateActivityStep";
export const FARGATE_ACTIVITY_CLUSTER_TYPE = "fargate-activity:steps:FargateActivityCluster";
