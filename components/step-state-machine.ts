// A standard state machine around a definition built from steps: its role may invoke only the
// steps' trigger functions (plus the log-delivery and X-Ray calls AWS requires), it logs to
// CloudWatch and traces with X-Ray. The definition is checked at program time.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createStatesAlarm } from "./alarms";
import { checkDefinition, renderDefinition } from "./asl";
import { assumeRolePolicy, stateMachineRolePolicy } from "./iam-policies";
import { checker } from "./rules";
import {
    STEP_STATE_MACHINE_DEFAULTS as DEFAULTS,
    STEP_STATE_MACHINE_RULES as RULES,
    StepStateMachineArgs,
} from "./step-state-machine-args";

export { LOG_LEVELS } from "./step-state-machine-args";
export type { LogLevel, StepStateMachineArgs } from "./step-state-machine-args";

export const STEP_STATE_MACHINE_TYPE = "fargate-activity:steps:StepStateMachine";

export class StepStateMachine extends pulumi.ComponentResource {
    readonly stateMachine: aws.sfn.StateMachine;
    readonly arn: pulumi.Output<string>;
    readonly role: aws.iam.Role;
    /** The rendered definition (JSON with Pulumi outputs resolved at deployment). */
    readonly definition: pulumi.Output<string>;

    constructor(name: string, args: StepStateMachineArgs, opts?: pulumi.ComponentResourceOptions) {
        super(STEP_STATE_MACHINE_TYPE, name, {}, opts);
        const parent = { parent: this };
        const timeoutProblem = RULES.timeoutSeconds(args.timeoutSeconds);
        if (timeoutProblem !== undefined) {
            throw new Error(
                `StepStateMachine "${name}": timeoutSeconds ${timeoutProblem} (one year, the longest a standard execution runs); got ${args.timeoutSeconds}`,
            );
        }
        const logLevel = args.logLevel ?? DEFAULTS.logLevel;
        checker(`StepStateMachine "${name}": logLevel`, RULES.logLevel, String)(logLevel);
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
            {
                namePrefix: `/aws/vendedlogs/states/${name}-`,
                retentionInDays: args.logRetentionDays ?? DEFAULTS.logRetentionDays,
            },
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
                    includeExecutionData: args.includeExecutionData ?? DEFAULTS.includeExecutionData,
                    logDestination: pulumi.interpolate`${logGroup.arn}:*`,
                },
                tracingConfiguration: { enabled: true },
            },
            { parent: this, dependsOn: [policy] },
        );
        this.arn = this.stateMachine.arn;
        args.steps.forEach((step, i) => step.grantExecutionHistory(`${name}-history-${i + 1}`, this.arn, parent));
        if (args.alarms) {
            for (const [metric, what] of [
                ["ExecutionsFailed", "failed"],
                ["ExecutionsTimedOut", "timed out"],
            ] as const) {
                createStatesAlarm(
                    `${name}-${metric}`,
                    {
                        description: `An execution of ${name} ${what}`,
                        metricName: metric,
                        dimensions: { StateMachineArn: this.arn },
                        statistic: "Sum",
                        periodSeconds: 300,
                        threshold: 0,
                        topicArn: args.alarms.topicArn,
                    },
                    this,
                );
            }
        }
        this.registerOutputs({ arn: this.arn });
    }
}
