// CloudWatch alarms on Step Functions' own metrics (namespace AWS/States): one shape for the
// step's schedule-time alarm and the state machine's execution alarms.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { FARGATE_ACTIVITY_STEP_DEFAULTS } from "./fargate-activity-step-args";

export interface StatesAlarmArgs {
    description: pulumi.Input<string>;
    metricName: string;
    dimensions: Record<string, pulumi.Input<string>>;
    statistic: "Maximum" | "Sum";
    periodSeconds: number;
    /** The alarm fires above this value. */
    threshold: number;
    /** Notified when the alarm fires and when it clears; none when absent. */
    topicArn?: pulumi.Input<string>;
}

/** One evaluation period above the threshold fires it; no data is not a breach. */
export function createStatesAlarm(
    name: string,
    args: StatesAlarmArgs,
    parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
    const actions = args.topicArn ? [args.topicArn] : [];
    return new aws.cloudwatch.MetricAlarm(
        name,
        {
            alarmDescription: args.description,
            namespace: "AWS/States",
            metricName: args.metricName,
            dimensions: args.dimensions,
            statistic: args.statistic,
            period: args.periodSeconds,
            evaluationPeriods: 1,
            threshold: args.threshold,
            comparisonOperator: "GreaterThanThreshold",
            treatMissingData: "notBreaching",
            alarmActions: actions,
            okActions: actions,
        },
        { parent },
    );
}

/** An alarm when one of the step's activity tasks waited longer than `thresholdSeconds` (default 600) for a worker. */
export function createScheduleTimeAlarm(
    name: string,
    args: { activityArn: pulumi.Input<string>; thresholdSeconds?: number; topicArn?: pulumi.Input<string> },
    parent: pulumi.Resource,
): aws.cloudwatch.MetricAlarm {
    const { thresholdSeconds = FARGATE_ACTIVITY_STEP_DEFAULTS.scheduleTimeAlarmThresholdSeconds } = args;
    return createStatesAlarm(
        `${name}-schedule-time`,
        {
            description: `An activity task of step ${name} waited more than ${thresholdSeconds} s for a worker`,
            metricName: "ActivityScheduleTime",
            dimensions: { ActivityArn: args.activityArn },
            statistic: "Maximum",
            periodSeconds: 60,
            // The metric is in milliseconds (https://docs.aws.amazon.com/step-functions/latest/dg/procedure-cw-metrics.html).
            threshold: thresholdSeconds * 1000,
            topicArn: args.topicArn,
        },
        parent,
    );
}
