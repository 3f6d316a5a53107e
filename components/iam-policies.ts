// Least-privilege IAM documents, as plain functions of the ARNs they are scoped to. The values may
// be Pulumi inputs; the component turns a document into JSON with `pulumi.jsonStringify`.

export interface PolicyStatement<T> {
    Sid: string;
    Effect: "Allow";
    Action: string[];
    Resource: T | T[];
    Condition?: Record<string, Record<string, T | T[]>>;
}

export interface PolicyDocument<T> {
    Version: "2012-10-17";
    Statement: PolicyStatement<T>[];
}

function document<T>(...statements: PolicyStatement<T>[]): PolicyDocument<T> {
    return { Version: "2012-10-17", Statement: statements };
}

/** Trust policy for a service; `sourceAccount` guards against the confused-deputy problem. */
export function assumeRolePolicy<T = string>(service: string, sourceAccount?: T) {
    return {
        Version: "2012-10-17" as const,
        Statement: [
            {
                Effect: "Allow" as const,
                Principal: { Service: service },
                Action: "sts:AssumeRole",
                ...(sourceAccount ? { Condition: { StringEquals: { "aws:SourceAccount": sourceAccount } } } : {}),
            },
        ],
    };
}

/**
 * The container's own role: take tasks of this activity, report on them (AWS cannot scope the
 * reports), and mark its own ECS task with the one tag that says it took a task (the healer reads it).
 */
export function taskRolePolicy<T>(a: {
    activityArn: T;
    clusterTasksArn: T;
    takenTagKey: string;
}): PolicyDocument<T | string> {
    return document<T | string>(
        { Sid: "PollThisActivity", Effect: "Allow", Action: ["states:GetActivityTask"], Resource: a.activityArn },
        {
            Sid: "ReportTasks",
            Effect: "Allow",
            Action: ["states:SendTaskSuccess", "states:SendTaskFailure", "states:SendTaskHeartbeat"],
            Resource: "*",
        },
        {
            Sid: "MarkTaskTaken",
            Effect: "Allow",
            Action: ["ecs:TagResource"],
            Resource: a.clusterTasksArn,
            Condition: {
                "ForAllValues:StringEquals": { "aws:TagKeys": [a.takenTagKey] },
                Null: { "aws:TagKeys": "false" },
            },
        },
    );
}

/**
 * The resources ECS reads for the task definition's `secrets`: a Secrets Manager secret (its ARN,
 * without the `:json-key:version-stage:version-id` suffix ECS accepts) or an SSM parameter.
 */
export function secretResources(valueFroms: string[]): { secrets: string[]; parameters: string[] } {
    const secrets = new Set<string>();
    const parameters = new Set<string>();
    for (const from of valueFroms) {
        const parts = from.split(":");
        if (parts[0] === "arn" && parts[2] === "secretsmanager" && parts[5] === "secret" && parts.length >= 7)
            secrets.add(parts.slice(0, 7).join(":"));
        else if (parts[0] === "arn" && parts[2] === "ssm" && parts[5]?.startsWith("parameter/")) parameters.add(from);
        else
            throw new Error(
                `secret ${JSON.stringify(from)} must be the ARN of a Secrets Manager secret (arn:aws:secretsmanager:…:secret:…) or an SSM parameter (arn:aws:ssm:…:parameter/…)`,
            );
    }
    return { secrets: [...secrets], parameters: [...parameters] };
}

/** What ECS needs to start the container: pull its image, write its logs, read exactly its secrets. */
export function executionRolePolicy<T>(a: {
    logGroupArn: T;
    repositoryArn?: T;
    secretValueFroms?: string[];
}): PolicyDocument<T | string> {
    const statements: PolicyStatement<T | string>[] = [
        {
            Sid: "WriteContainerLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: a.logGroupArn,
        },
    ];
    const { secrets, parameters } = secretResources(a.secretValueFroms ?? []);
    if (secrets.length > 0)
        statements.push({
            Sid: "ReadJobSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue"],
            Resource: secrets,
        });
    if (parameters.length > 0)
        statements.push({
            Sid: "ReadJobParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameters"],
            Resource: parameters,
        });
    if (a.repositoryArn !== undefined) {
        statements.push(
            { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
            {
                Sid: "PullWorkerImage",
                Effect: "Allow",
                Action: ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
                Resource: a.repositoryArn,
            },
        );
    }
    return document(...statements);
}

/** The trigger Lambda: start this task family in this cluster, tag what it starts, hand over the two roles. */
export function triggerRolePolicy<T>(a: {
    /** Task definition ARN without revision, followed by `:*`. */
    taskDefinitionFamilyArn: T;
    clusterArn: T;
    /** `arn:…:task/<cluster>/*`: the tasks this cluster runs. */
    clusterTasksArn: T;
    taskRoleArn: T;
    executionRoleArn: T;
    /** The function's own log group, followed by `:*`. */
    logGroupArn: T;
}): PolicyDocument<T | string> {
    return document<T | string>(
        {
            Sid: "RunThisTaskFamily",
            Effect: "Allow",
            Action: ["ecs:RunTask"],
            Resource: a.taskDefinitionFamilyArn,
            Condition: { ArnEquals: { "ecs:cluster": a.clusterArn } },
        },
        {
            Sid: "TagTasksAtLaunch",
            Effect: "Allow",
            Action: ["ecs:TagResource"],
            Resource: a.clusterTasksArn,
            Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
        },
        {
            Sid: "WatchAndStopStartedTasks",
            Effect: "Allow",
            Action: ["ecs:DescribeTasks", "ecs:StopTask"],
            Resource: a.clusterTasksArn,
            Condition: { ArnEquals: { "ecs:cluster": a.clusterArn } },
        },
        {
            Sid: "PassTaskRoles",
            Effect: "Allow",
            Action: ["iam:PassRole"],
            Resource: [a.taskRoleArn, a.executionRoleArn],
            Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: a.logGroupArn,
        },
    );
}

/** The healer: read this cluster's tasks, record its claims, claim and fail a pending task of this activity. */
export function healerRolePolicy<T>(a: {
    activityArn: T;
    clusterArn: T;
    clusterTasksArn: T;
    claimsTableArn: T;
    logGroupArn: T;
}): PolicyDocument<T | string> {
    return document<T | string>(
        {
            Sid: "ReadStoppedTasks",
            Effect: "Allow",
            Action: ["ecs:DescribeTasks"],
            Resource: a.clusterTasksArn,
            Condition: { ArnEquals: { "ecs:cluster": a.clusterArn } },
        },
        { Sid: "RecordClaims", Effect: "Allow", Action: ["dynamodb:UpdateItem"], Resource: a.claimsTableArn },
        { Sid: "ClaimPendingTask", Effect: "Allow", Action: ["states:GetActivityTask"], Resource: a.activityArn },
        { Sid: "FailClaimedTask", Effect: "Allow", Action: ["states:SendTaskFailure"], Resource: "*" },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: a.logGroupArn,
        },
    );
}

/** Read the history of this state machine's executions (granted by the state machine that uses the step). */
export function executionHistoryPolicy<T>(a: { executionsArn: T }): PolicyDocument<T> {
    return document<T>({
        Sid: "ReadExecutionHistory",
        Effect: "Allow",
        Action: ["states:GetExecutionHistory"],
        Resource: a.executionsArn,
    });
}

/** `arn:…:stateMachine:<name>` → `arn:…:execution:<name>:*`. */
export function executionsArn(stateMachineArn: string): string {
    const match = /^(arn:[^:]+:states:[^:]*:[^:]*:)stateMachine:([^:]+)$/.exec(stateMachineArn);
    if (!match)
        throw new Error(
            `"${stateMachineArn}" is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>)`,
        );
    return `${match[1]}execution:${match[2]}:*`;
}

/** The state machine: invoke the trigger functions, plus the log-delivery and X-Ray calls AWS requires (unscopable). */
export function stateMachineRolePolicy<T>(a: { functionArns: T[] }): PolicyDocument<T | string> {
    return document<T | string>(
        { Sid: "InvokeTriggers", Effect: "Allow", Action: ["lambda:InvokeFunction"], Resource: a.functionArns },
        {
            Sid: "DeliverExecutionLogs",
            Effect: "Allow",
            Action: [
                "logs:CreateLogDelivery",
                "logs:GetLogDelivery",
                "logs:UpdateLogDelivery",
                "logs:DeleteLogDelivery",
                "logs:ListLogDeliveries",
                "logs:PutResourcePolicy",
                "logs:DescribeResourcePolicies",
                "logs:DescribeLogGroups",
            ],
            Resource: "*",
        },
        {
            Sid: "XRayTracing",
            Effect: "Allow",
            Action: [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
            ],
            Resource: "*",
        },
    );
}

/** `arn:…:cluster/<name>` → `arn:…:task/<name>/*`. */
export function clusterTasksArn(clusterArn: string): string {
    const match = /^(arn:[^:]+:ecs:[^:]*:[^:]*:)cluster\/(.+)$/.exec(clusterArn);
    if (!match)
        throw new Error(`"${clusterArn}" is not an ECS cluster ARN (arn:aws:ecs:<region>:<account>:cluster/<name>)`);
    return `${match[1]}task/${match[2]}/*`;
}
