// Every check of a FargateActivityStep's arguments that can run at program time, in one pure
// function the constructor calls before it creates anything. Arguments that are Pulumi outputs
// are checked when they resolve, by the same checks (ARG_CHECKS).
import { validateFargateSize } from "./fargate-sizes";
import {
    ARCHITECTURES,
    CAPACITIES,
    FARGATE_ACTIVITY_STEP_DEFAULTS as DEFAULTS,
    FargateActivityStepArgs,
    LOG_RETENTION_DAYS,
} from "./fargate-activity-step-args";
import { secretResources } from "./iam-policies";
import { checkKnown, isPlain } from "./inputs";
import { checkOwnPlacement, checkSubnetsNotEmpty, PLACEMENT_ARGS } from "./placement-validation";
import { validateActivityName } from "./names";
import { checker, oneOfThese, wholeNumber, wholeNumberFrom } from "./rules";
import { StepTiming, stepTiming } from "./step-timing";

/** The rules these arguments share with the stack configuration's keys of the same name. */
export const STEP_ARG_RULES = {
    architecture: oneOfThese(ARCHITECTURES),
    capacity: oneOfThese(CAPACITIES),
    logRetentionDays: oneOfThese(LOG_RETENTION_DAYS),
    jobDurationMs: wholeNumberFrom(0, 86_400_000),
};

/** The checks of the arguments that may be outputs. */
export const ARG_CHECKS = {
    architecture: checker("architecture", STEP_ARG_RULES.architecture),
    capacity: checker("capacity", STEP_ARG_RULES.capacity),
    logRetentionDays: checker("logRetentionDays", STEP_ARG_RULES.logRetentionDays, String),
    jobDurationMs: checker("jobDurationMs", STEP_ARG_RULES.jobDurationMs),
    activityName: validateActivityName,
};

/** Letters, digits and underscores, not starting with a digit. */
const ENVIRONMENT_VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Throws the first problem found in what is known at program time; returns the step's clocks,
 * which are derived while they are checked.
 */
export function validateFargateActivityStepArgs(name: string, args: FargateActivityStepArgs): StepTiming {
    const timing = stepTiming(name, args);
    checkPlacement(name, args);
    if (isPlain(args.cpu) && isPlain(args.memory))
        validateFargateSize(args.cpu ?? DEFAULTS.cpu, args.memory ?? DEFAULTS.memory);
    checkKnown(args.architecture, ARG_CHECKS.architecture);
    checkKnown(args.capacity, ARG_CHECKS.capacity);
    checkKnown(args.logRetentionDays, ARG_CHECKS.logRetentionDays);
    checkKnown(args.jobDurationMs, ARG_CHECKS.jobDurationMs);
    checkKnown(args.activityName, ARG_CHECKS.activityName);
    checkSubnetsNotEmpty(`FargateActivityStep "${name}"`, args);
    checkSecrets(name, args);
    if (args.scheduleTimeAlarm) {
        const threshold = args.scheduleTimeAlarm.thresholdSeconds ?? DEFAULTS.scheduleTimeAlarmThresholdSeconds;
        wholeNumber("scheduleTimeAlarm.thresholdSeconds", 1, 31_536_000)(threshold);
    }
    return timing;
}

/**
 * With a cluster, the network and the ECS cluster are the cluster's, so the step takes none of its
 * own; on its own, your subnets need an explicit assignPublicIp and your security groups your subnets.
 */
function checkPlacement(name: string, args: FargateActivityStepArgs): void {
    const component = `FargateActivityStep "${name}"`;
    if (args.cluster === undefined) return checkOwnPlacement(component, args);
    const own = PLACEMENT_ARGS.filter(key => args[key] !== undefined);
    if (own.length > 0) {
        throw new Error(
            `${component}: it runs in the given cluster, whose network and ECS cluster it uses; give ${own.join(", ")} to the FargateActivityCluster instead`,
        );
    }
}

/** Each secret: a valid variable name, an ARN ECS can read (when known now), no clash with `environment`. */
function checkSecrets(name: string, args: FargateActivityStepArgs): void {
    for (const [variable, from] of Object.entries(args.secrets ?? {})) {
        if (!ENVIRONMENT_VARIABLE_NAME.test(variable))
            throw new Error(
                `FargateActivityStep "${name}": secret variable name ${JSON.stringify(variable)} is not a valid environment variable name`,
            );
        if (typeof from === "string") secretResources([from]);
        if (args.environment && variable in args.environment)
            throw new Error(`FargateActivityStep "${name}": ${variable} is both an environment variable and a secret`);
    }
}
