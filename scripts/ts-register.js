// `node -r ./scripts/ts-register.js file.ts`: ts-node without type checking (`npm run typecheck`
// does that once), through the caching transpiler (cached-transpiler.js), with V8's compile cache
// on (local/shared/compile-cache.js). What the npm scripts, mocha and the tests' child processes
// load to run TypeScript.
"use strict";
require("../local/shared/compile-cache.js");
require("ts-node").register({ transpileOnly: true, transpiler: require.resolve("./cached-transpiler") });
