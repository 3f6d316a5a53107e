// A standard state machine around a definition built from steps: its role may invoke only the
// steps' trigger functions (plus the log-delivery and X-Ray calls AWS requires), it logs to
// CloudWatch and traces with X-Ray. The definition is checked at program time.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { checkDefinition, IChainable, renderDefinition } from "./asl";
import { FargateActivityStep } from "./fargate-activity-step";
import { assumeRolePolicy, stateMachineRolePolicy } from "./iam-policies";

export const STEP_STATE_MACHINE_TYPE = "fargate-activity:steps:StepStateMachine";

export type LogLevel = "ALL" | "ERROR" | "FATAL" | "OFF";
export const LOG_LEVELS: readonly LogLevel[] = ["ALL", "ERROR", "FATAL", "OFF"];

export interface StepStateMachineArgs {
    /** The first state or chain; the definition is everything reachable from it. */
    definition: IChainable;
    /** The steps the definition uses: the role may invoke their triggers. */
    steps: FargateActivityStep[];
    /** The execution's own timeout: the only clock while an activity task waits for a worker. Required. */
    timeoutSeconds: number;
    comment?: string;
    /** Execution log level. Default `ERROR`. */
    logLevel?: LogLevel;
    /** Log execution inputs and outputs (they may hold private data). Default false. */
    includeExecutionData?: boolean;
    /** Default 30. */
    logRetentionDays?: pulumi.Input<number>;
    /** Alarms on failed and timed-out executions (AWS/States), notifying `topicArn` when given. Default: none. */
    alarms?: { topicArn?: pulumi.Input<string> };
}

export class StepStateMachine extends pulumi.ComponentResource {
    readonly stateMachine: aws.sfn.StateMachine;
    readonly arn: pulumi.Output<string>;
    readonly role: aws.iam.Role;
    /** The rendered definition (JSON with Pulumi outputs resolved at deployment). */
    readonly definition: pulumi.Output<string>;

    constructor(name: string, args: StepStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
        super(STEP_STATE_MACHINE_TYPE, name, {}, opts);
        const parent = { parent: this };
        if (!Number.isInteger(args.timeoutSeconds) || args.timeoutSeconds < 1 || args.timeoutSeconds > 31_536_000) {
            throw new Error(
                `StepStateMachine "${name}": timeoutSeconds must be a whole number from 1 to 31536000 (one year, the longest a standard execution runs); got ${args.timeoutSeconds}`,
            );
        }
        const logLevel = args.logLevel ?? "ERROR";
        if (!LOG_LEVELS.includes(logLevel))
            throw new Error(
                `StepStateMachine "${name}": logLevel must be one of ${LOG_LEVELS.join(", ")}; got ${logLevel}`,
            );
        const rendered = renderDefinition(args.definition, {
            comment: args.comment,
            timeoutSeconds: args.timeoutSeconds,
        });
        const problems = checkDefinition(rendered);
        if (problems.length > 0)
            throw new Error(`StepStateMachine "${name}": the definition is not valid:\n- ${problems.join("\n- ")}`);
        this.definition = pulumi.jsonStringify(rendered);

        const account = aws.getCallerIdentityOutput({}, parent).accountId;
        this.role = new aws.iam.Role(
            `${name}-role`,
            {
                assumeRolePolicy: pulumi.jsonStringify(assumeRolePolicy("states.amazonaws.com", account)),
                description: "State machine: invoke its step triggers",
            },
            parent,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-role`,
            {
                role: this.role.id,
                policy: pulumi.jsonStringify(
                    stateMachineRolePolicy({ functionArns: args.steps.flatMap(s => s.invokeArns) }),
                ),
            },
            parent,
        );
        const logGroup = new aws.cloudwatch.LogGroup(
            `${name}-logs`,
            { namePrefix: `/aws/vendedlogs/states/${name}-`, retentionInDays: args.logRetentionDays ?? 30 },
            parent,
        );
        this.stateMachine = new aws.sfn.StateMachine(
            `${name}`,
            {
                type: "STANDARD",
                roleArn: this.role.arn,
                definition: this.definition,
                loggingConfiguration: {
                    level: logLevel,
                    includeExecutionData: args.includeExecutionData ?? false,
                    logDestination: pulumi.interpolate`${logGroup.arn}:*`,
                },
                tracingConfiguration: { enabled: true },
            },
            { parent: this, dependsOn: [policy] },
        );
        this.arn = this.stateMachine.arn;
        args.steps.forEach((step, i) => step.grantExecutionHistory(`${name}-history-${i + 1}`, this.arn, parent));
        if (args.alarms) {
            const actions = args.alarms.topicArn ? [args.alarms.topicArn] : [];
            for (const [metric, what] of [
                ["ExecutionsFailed", "failed"],
                ["ExecutionsTimedOut", "timed out"],
            ] as const) {
                new aws.cloudwatch.MetricAlarm(
                    `${name}-${metric}`,
                    {
                        alarmDescription: `An execution of ${name} ${what}`,
                        namespace: "AWS/States",
                        metricName: metric,
                        dimensions: { StateMachineArn: this.arn },
                        statistic: "Sum",
                        period: 300,
                        evaluationPeriods: 1,
                        threshold: 0,
                        comparisonOperator: "GreaterThanThreshold",
                        treatMissingData: "notBreaching",
                        alarmActions: actions,
                        okActions: actions,
                    },
                    parent,
                );
            }
        }
        this.registerOutputs({ arn: this.arn });
    }
}
