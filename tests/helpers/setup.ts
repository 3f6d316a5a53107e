// Loaded by mocha before any test (see .mocharc.json).
// The SDK warns once per process that its 2027 releases need Node 22; the suite runs on Node 20
// too, and the notice would bury the test report.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
