// Activity names and ARNs, checked as Step Functions checks them: 1–80 characters, no whitespace,
// none of < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /, no control characters
// (https://docs.aws.amazon.com/step-functions/latest/apireference/API_CreateActivity.html).

export interface ActivityArnParts {
    partition: string;
    region: string;
    account: string;
    name: string;
}

// eslint-disable-next-line no-control-regex -- control characters are among the forbidden ones
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ARN = /^arn:(aws|aws-cn|aws-us-gov|aws-iso|aws-iso-b|aws-eusc):states:([^:]+):(\d{12}):activity:(.+)$/;

/** Why `name` is not a valid activity name, or undefined when it is. */
export function activityNameProblem(name: string): string | undefined {
    if (name.length < 1 || name.length > 80) return `must be 1–80 characters long (got ${name.length})`;
    const bad = FORBIDDEN.exec(name);
    if (bad)
        return `must not contain ${JSON.stringify(bad[0])} (no whitespace, control characters or any of < > { } [ ] ? * " # % \\ ^ | ~ \` $ & , ; : /)`;
    return undefined;
}

export function isValidRegion(region: string): boolean {
    return REGION.test(region);
}

/** The parts of an activity ARN, or a reason it is not one. */
export function parseActivityArn(arn: string): { ok: true; parts: ActivityArnParts } | { ok: false; problem: string } {
    const m = ARN.exec(arn);
    if (!m)
        return {
            ok: false,
            problem: "is not an activity ARN (arn:aws:states:<region>:<12-digit account>:activity:<name>)",
        };
    const [, partition, region, account, name] = m;
    if (!isValidRegion(region)) return { ok: false, problem: `has an invalid region ${JSON.stringify(region)}` };
    const nameProblem = activityNameProblem(name);
    if (nameProblem) return { ok: false, problem: `has an invalid activity name: ${nameProblem}` };
    return { ok: true, parts: { partition, region, account, name } };
}

export function activityArn(parts: ActivityArnParts): string {
    return `arn:${parts.partition}:states:${parts.region}:${parts.account}:activity:${parts.name}`;
}
