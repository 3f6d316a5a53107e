// Keeps V8's compiled code for the modules this checkout's processes load on disk, shared between
// processes: the test suite and `npm start` launch hundreds of workers and Lambda environments that
// load the same bundle and SDK, and a dozen runtimes that load the same Pulumi SDK. Plain
// JavaScript, so `node --require` can preload it before anything else. Node 22.1 added
// module.enableCompileCache (https://nodejs.org/api/module.html#moduleenablecompilecachecachedir);
// on Node 20 this does nothing.
"use strict";
const path = require("path");
const nodeModule = require("module");

const COMPILE_CACHE_DIR = path.join(__dirname, "..", "..", "node_modules", ".cache", "node-compile-cache");

if (typeof nodeModule.enableCompileCache === "function") nodeModule.enableCompileCache(COMPILE_CACHE_DIR);

module.exports = { COMPILE_CACHE_DIR, COMPILE_CACHE_PRELOAD: __filename };
