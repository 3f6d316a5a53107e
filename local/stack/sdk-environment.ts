// What each current AWS SDK family reads from the environment to find a region, an endpoint per
// service and credentials: the printed environment of `npm start -- --serve` must satisfy every
// row, so a script written against AWS runs unchanged with only those lines. Sources, per row:
// the shared SDK reference (https://docs.aws.amazon.com/sdkref/latest/guide/feature-region.html,
// https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html,
// https://docs.aws.amazon.com/sdkref/latest/guide/ss-endpoints-table.html) and each SDK's change log.

/** The per-service endpoint variables, by the service's SDK id (AWS_ENDPOINT_URL_STEPFUNCTIONS is read by none). */
export const SERVICE_ENDPOINT_VARIABLES = {
    sfn: "AWS_ENDPOINT_URL_SFN",
    ecs: "AWS_ENDPOINT_URL_ECS",
} as const;

export interface SdkFamily {
    name: string;
    /** The first version that reads AWS_ENDPOINT_URL_<SERVICE>; older ones go to AWS. */
    endpointVariablesSince: string;
    /** The region variables it reads; one of them must be set (the others it ignores). */
    regionVariables: string[];
    /** The static credential variables it reads. */
    credentialVariables: string[];
    /** Where the version and the variables are stated. */
    source: string;
}

const KEYS = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"];

export const SDK_FAMILIES: readonly SdkFamily[] = [
    {
        name: "AWS SDK for JavaScript v3",
        endpointVariablesSince: "3.428.0 (@aws-sdk/client-*)",
        // AWS_DEFAULT_REGION only in the defaults mode "auto" on AWS compute: not a region source here.
        regionVariables: ["AWS_REGION"],
        credentialVariables: KEYS,
        source: "https://github.com/aws/aws-sdk-js-v3/pull/5350",
    },
    {
        name: "botocore (boto3, AWS CLI v1)",
        endpointVariablesSince: "botocore 1.31.0 = boto3 1.28.0 = AWS CLI 1.29.0",
        // It never reads AWS_REGION for the client's region: "You must specify a region" without this.
        regionVariables: ["AWS_DEFAULT_REGION"],
        credentialVariables: KEYS,
        source: "https://github.com/boto/botocore/blob/develop/CHANGELOG.rst (1.31.0)",
    },
    {
        name: "AWS CLI v2",
        endpointVariablesSince: "2.13.0",
        regionVariables: ["AWS_REGION", "AWS_DEFAULT_REGION"],
        credentialVariables: KEYS,
        source: "https://github.com/aws/aws-cli/blob/v2/CHANGELOG.rst (2.13.0)",
    },
    {
        name: "AWS SDK for Go v2",
        endpointVariablesSince: "config v1.21.0 with the service modules of 2023-11-01 (service/sfn v1.21.0)",
        regionVariables: ["AWS_REGION", "AWS_DEFAULT_REGION"],
        credentialVariables: KEYS,
        source: "https://github.com/aws/aws-sdk-go-v2/blob/main/config/CHANGELOG.md (v1.21.0)",
    },
    {
        name: "AWS SDK for Java v2",
        endpointVariablesSince: "2.28.1",
        regionVariables: ["AWS_REGION"],
        credentialVariables: KEYS,
        source: "https://github.com/aws/aws-sdk-java-v2/blob/master/changelogs/2.28.x-CHANGELOG.md (2.28.1)",
    },
];

/** What `environment` lacks for `family` to reach both local endpoints; empty when nothing. */
export function missingFor(family: SdkFamily, environment: Record<string, string>): string[] {
    const missing: string[] = [];
    if (!family.regionVariables.some(name => environment[name]))
        missing.push(`a region (${family.regionVariables.join(" or ")})`);
    for (const name of [...Object.values(SERVICE_ENDPOINT_VARIABLES), ...family.credentialVariables])
        if (!environment[name]) missing.push(name);
    return missing;
}
