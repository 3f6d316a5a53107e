// The settings the read APIs report (DescribeStateMachine, DescribeClusters,
// DescribeTaskDefinition), read from the planned resources' inputs: Pulumi's names and shapes
// turned into the AWS API's. Pure.
import type { StateMachineSettings } from "../sfn/engine";

type Inputs = Record<string, any>;

/**
 * A state machine's type, logging, tracing and encryption as CreateStateMachine would receive
 * them from the AWS provider. Pulumi's `logDestination` is the log group ARN with `:*`, which the
 * API carries as `destinations[].cloudWatchLogsLogGroup.logGroupArn`
 * (https://docs.aws.amazon.com/step-functions/latest/apireference/API_LoggingConfiguration.html).
 * Settings the plan leaves out are left out here: the engine reports AWS's defaults for them.
 */
export function stateMachineSettings(inputs: Inputs): StateMachineSettings {
    const logging = inputs.loggingConfiguration;
    const tracing = inputs.tracingConfiguration;
    const encryption = inputs.encryptionConfiguration;
    return {
        type: inputs.type === "EXPRESS" ? "EXPRESS" : "STANDARD",
        loggingConfiguration: logging
            ? {
                  level: logging.level ?? "OFF",
                  includeExecutionData: logging.includeExecutionData ?? false,
                  ...(typeof logging.logDestination === "string"
                      ? { destinations: [{ cloudWatchLogsLogGroup: { logGroupArn: logging.logDestination } }] }
                      : {}),
              }
            : undefined,
        tracingConfiguration: tracing ? { enabled: tracing.enabled === true } : undefined,
        encryptionConfiguration: encryption?.type
            ? {
                  type: encryption.type,
                  ...(encryption.kmsKeyId ? { kmsKeyId: encryption.kmsKeyId } : {}),
                  ...(encryption.kmsDataKeyReusePeriodSeconds !== undefined
                      ? { kmsDataKeyReusePeriodSeconds: encryption.kmsDataKeyReusePeriodSeconds }
                      : {}),
              }
            : undefined,
    };
}

/** Pulumi's `tags` map as the ECS API's list of `{key, value}`. */
export function ecsTags(tags: unknown): { key: string; value: string }[] {
    if (!tags || typeof tags !== "object") return [];
    return Object.entries(tags as Record<string, unknown>).map(([key, value]) => ({ key, value: String(value) }));
}

/** Pulumi's `defaultCapacityProviderStrategies` as the ECS API's `defaultCapacityProviderStrategy`. */
export function capacityProviderStrategy(
    strategies: unknown,
): { capacityProvider: string; weight?: number; base?: number }[] | undefined {
    if (!Array.isArray(strategies) || strategies.length === 0) return undefined;
    return strategies.map(s => ({ capacityProvider: s.capacityProvider, weight: s.weight, base: s.base }));
}
