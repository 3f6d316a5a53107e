// The declared world the local ECS endpoint serves (what the stack would create in AWS) and the
// record it keeps for each task. Field names follow the ECS API so values can be copied across.

/** One `{name, value}` pair, as in a container definition's `environment`. */
export interface KeyValuePair {
    name: string;
    value: string;
}

/** The part of an ECS container definition the local runtime reads. */
export interface ContainerDefinition {
    name: string;
    image?: string;
    /** ECS default: true. Only the first essential container of a task is run. */
    essential?: boolean;
    environment?: KeyValuePair[];
    /** Seconds between SIGTERM and SIGKILL on StopTask (Fargate default 30, at most 120). */
    stopTimeout?: number;
    cpu?: number;
    memory?: number;
    command?: string[];
    [key: string]: unknown;
}

export interface CapacityProviderStrategyItem {
    capacityProvider: string;
    weight?: number;
    base?: number;
}

export interface DeclaredCluster {
    arn: string;
    name: string;
    /** e.g. ["FARGATE", "FARGATE_SPOT"]; a strategy naming any other is refused. */
    capacityProviders?: string[];
    /** Used when RunTask names neither a launch type nor a strategy. */
    defaultCapacityProviderStrategy?: CapacityProviderStrategyItem[];
    /** For DescribeClusters; default none. */
    tags?: { key: string; value: string }[];
    /** For DescribeClusters (e.g. containerInsights); default none. */
    settings?: { name: string; value: string }[];
}

export interface DeclaredTaskDefinition {
    /** Full ARN with revision: `arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>`. */
    arn: string;
    family: string;
    revision: number;
    /** Parsed (the Pulumi input is a JSON string). */
    containerDefinitions: ContainerDefinition[];
    cpu?: string;
    memory?: string;
    /** Default "awsvpc" (the only mode Fargate accepts). */
    networkMode?: string;
    /** Default ["FARGATE"]. */
    requiresCompatibilities?: string[];
    runtimePlatform?: { cpuArchitecture?: string; operatingSystemFamily?: string };
    executionRoleArn?: string;
    taskRoleArn?: string;
    /** For DescribeTaskDefinition, in the API's shape; default none. */
    volumes?: Record<string, unknown>[];
    ephemeralStorage?: { sizeInGiB: number };
    tags?: { key: string; value: string }[];
}

export interface EcsWorld {
    region: string;
    account: string;
    clusters: DeclaredCluster[];
    taskDefinitions: DeclaredTaskDefinition[];
}

/** Without the timing model a task goes PROVISIONING → PENDING → RUNNING → STOPPED; with it, through all of these. */
export type TaskStatus =
    "PROVISIONING" | "PENDING" | "ACTIVATING" | "RUNNING" | "DEACTIVATING" | "STOPPING" | "DEPROVISIONING" | "STOPPED";
/** TerminationNotice: a Spot task's two-minute warning; it stops with SpotInterruption. */
export type StopCode =
    "TaskFailedToStart" | "EssentialContainerExited" | "UserInitiated" | "TerminationNotice" | "SpotInterruption";

/** What a validated RunTask asks for, shared by the `count` tasks it starts. */
export interface TaskLaunchPlan {
    cluster: DeclaredCluster;
    taskDefinition: DeclaredTaskDefinition;
    /** The container that runs (first essential one). */
    container: ContainerDefinition;
    count: number;
    launchType: "FARGATE" | "EC2" | "EXTERNAL";
    capacityProviderName?: string;
    platformVersion?: string;
    group: string;
    startedBy?: string;
    tags: { key: string; value?: string }[];
    /** The request's `overrides`, kept as sent (DescribeTasks shows them). */
    overrides: {
        containerOverrides?: { name?: string; environment?: KeyValuePair[]; command?: string[] }[];
        [key: string]: unknown;
    };
    /** Environment from the request's override for the running container, in order. */
    environmentOverrides: KeyValuePair[];
    subnets: string[];
    securityGroups: string[];
    assignPublicIp: "ENABLED" | "DISABLED";
}

/** The endpoint's record of one task; times are epoch milliseconds. */
export interface TaskRecord {
    taskArn: string;
    taskId: string;
    clusterArn: string;
    taskDefinitionArn: string;
    containerArn: string;
    containerName: string;
    image?: string;
    lastStatus: TaskStatus;
    desiredStatus: "RUNNING" | "STOPPED";
    launchType: string;
    capacityProviderName?: string;
    platformVersion?: string;
    cpu?: string;
    memory?: string;
    group: string;
    startedBy?: string;
    tags: { key: string; value?: string }[];
    overrides: TaskLaunchPlan["overrides"];
    subnetId?: string;
    /** From the RunTask request's network configuration. */
    assignPublicIp?: "ENABLED" | "DISABLED";
    availabilityZone: string;
    /** Bumped on every change, as ECS's `version`. */
    version: number;
    createdAt: number;
    pullStartedAt?: number;
    pullStoppedAt?: number;
    startedAt?: number;
    stoppingAt?: number;
    executionStoppedAt?: number;
    stoppedAt?: number;
    exitCode?: number;
    /** The container's `reason` (why it could not start). */
    containerReason?: string;
    stoppedReason?: string;
    stopCode?: StopCode;
}
