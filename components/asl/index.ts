// Small typed building blocks for Amazon States Language (JSONPath only), modelled on AWS CDK's
// Step Functions library: states are objects, `next` links them, a Chain can become one state.
// Fields may hold Pulumi inputs (e.g. a function ARN); rendering leaves them in place. One state
// per file; what is not exported here lives under private/.
export * from "./types";
export * from "./state";
export * from "./chain";
export * from "./task";
export * from "./pass";
export * from "./parallel";
export * from "./map";
export * from "./choice";
export * from "./succeed";
export * from "./fail";
export * from "./render";
export * from "./check";
