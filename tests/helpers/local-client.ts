// What an AWS SDK client needs to talk to a local endpoint: its URL, a region and dummy credentials
// (the SDK signs every request; the local endpoints check the signature's form and clock only).

export const LOCAL_CLIENT_CREDENTIALS = { accessKeyId: "local", secretAccessKey: "local" };

export function localClientConfig(endpoint: string, region = "us-east-1") {
    return { region, endpoint, credentials: LOCAL_CLIENT_CREDENTIALS };
}
