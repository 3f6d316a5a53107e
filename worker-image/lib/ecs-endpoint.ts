// Where the worker's ECS TagResource goes: the ECS client's own endpoint rules (partitions such
// as China's `amazonaws.com.cn`, GovCloud, FIPS, dual-stack), without loading the ECS client. The
// settings come as the SDK reads them: AWS_ENDPOINT_URL_ECS, then AWS_ENDPOINT_URL, unless
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html);
// FIPS and dual-stack as the Step Functions client resolved them (AWS_USE_FIPS_ENDPOINT,
// AWS_USE_DUALSTACK_ENDPOINT or the profile). An endpoint set in the shared config file's
// `services` section is not read.

/** The parameters of the ECS endpoint rules (the client's EndpointParameters). */
export interface EcsEndpointParameters {
    Region: string;
    UseFIPS: boolean;
    UseDualStack: boolean;
    Endpoint?: string;
}

type EndpointResolver = (parameters: EcsEndpointParameters) => { url: URL };

let resolver: EndpointResolver | undefined;

/**
 * The ECS client's endpoint resolver. In a bundle (the worker's image, built by esbuild) this is
 * the package's ES module of the resolver and its rules, a few KiB beside what the Step Functions
 * client already brings. Plain Node cannot load that ES module (its imports name no file
 * extension); there the resolver comes from a client of the package's CommonJS build, which loads
 * the whole client. Its name is built at run time so that no bundler follows it into the client.
 */
export function ecsEndpointResolver(): EndpointResolver {
    if (resolver) return resolver;
    try {
        resolver = (
            require("@aws-sdk/client-ecs/dist-es/endpoint/endpointResolver") as {
                defaultEndpointResolver: EndpointResolver;
            }
        ).defaultEndpointResolver;
    } catch {
        const commonJsBuild = ["@aws-sdk", "client-ecs"].join("/");
        const { ECSClient } = require(commonJsBuild) as {
            ECSClient: new (config: object) => { config: { endpointProvider: EndpointResolver }; destroy(): void };
        };
        const client = new ECSClient({ region: "us-east-1" });
        resolver = client.config.endpointProvider;
        client.destroy();
    }
    return resolver;
}

/** AWS_ENDPOINT_URL_ECS, else AWS_ENDPOINT_URL, unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true. */
export function configuredEcsEndpoint(env: Record<string, string | undefined> = process.env): string | undefined {
    if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() === "true") return undefined;
    return env.AWS_ENDPOINT_URL_ECS || env.AWS_ENDPOINT_URL || undefined;
}

export interface EcsEndpointSettings {
    region: string;
    useFipsEndpoint?: boolean;
    useDualstackEndpoint?: boolean;
    /** Default: configuredEcsEndpoint(). */
    endpoint?: string;
}

/** The URL ECS answers on for these settings; throws as the SDK does for an invalid combination. */
export function resolveEcsEndpoint(settings: EcsEndpointSettings): URL {
    return ecsEndpointResolver()({
        Region: settings.region,
        UseFIPS: settings.useFipsEndpoint ?? false,
        UseDualStack: settings.useDualstackEndpoint ?? false,
        Endpoint: settings.endpoint ?? configuredEcsEndpoint(),
    }).url;
}
