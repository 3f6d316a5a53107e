// The environment a local container process gets: what its definition and the request say, then
// what the platform gives every Fargate container (region, credentials, metadata endpoint). The
// platform's values win so that no container can reach real AWS from this machine.
import { KeyValuePair } from "./types";

/** Dummy credentials: the SDK needs some, and these can never sign a real request. */
export const LOCAL_CREDENTIALS = {
    AWS_ACCESS_KEY_ID: "AKIALOCAL0000000000",
    AWS_SECRET_ACCESS_KEY: "local-secret-access-key",
} as const;

export interface PlatformEnvironment {
    region: string;
    /** Handed to the container as AWS_ENDPOINT_URL_SFN. */
    stepFunctionsEndpoint?: string;
    /** Handed to the container as AWS_ENDPOINT_URL_ECS (the worker tags its own task). */
    ecsEndpoint?: string;
    /** ECS_CONTAINER_METADATA_URI_V4 for this container. */
    metadataUri: string;
    /** Anything else the caller adds (e.g. NODE_COMPILE_CACHE); overridden by the platform's own. */
    extra?: Record<string, string>;
}

export function containerEnvironment(
    definitionEnvironment: KeyValuePair[] | undefined,
    overrides: KeyValuePair[],
    platform: PlatformEnvironment,
): Record<string, string> {
    const env: Record<string, string> = { ...(platform.extra ?? {}) };
    for (const { name, value } of definitionEnvironment ?? []) env[name] = String(value ?? "");
    for (const { name, value } of overrides) env[name] = value; // request overrides win over the definition
    Object.assign(env, {
        AWS_REGION: platform.region,
        AWS_DEFAULT_REGION: platform.region,
        AWS_EXECUTION_ENV: "AWS_ECS_FARGATE",
        ...LOCAL_CREDENTIALS,
        ECS_CONTAINER_METADATA_URI_V4: platform.metadataUri,
        ECS_CONTAINER_METADATA_URI: platform.metadataUri,
    });
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
    if (platform.stepFunctionsEndpoint) env.AWS_ENDPOINT_URL_SFN = platform.stepFunctionsEndpoint;
    if (platform.ecsEndpoint) env.AWS_ENDPOINT_URL_ECS = platform.ecsEndpoint;
    return env;
}
