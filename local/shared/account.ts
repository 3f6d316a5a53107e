// The one AWS account and the dummy credentials of everything local: the mocks give resources ARNs
// in this account, the emulators answer for it, and local processes sign with these keys (the local
// endpoints accept any signature from them).

export const LOCAL_ACCOUNT = "000000000000";

export const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" } as const;

/** Local processes run on this machine's Node (20 here); AWS runs 22+. Spare every log the SDK's Node 20 notice. */
export const QUIET_SDK = { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" } as const;
