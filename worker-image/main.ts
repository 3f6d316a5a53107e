// The container's entry point: the example job, run by a worker that is the process's main program
// (configuration from the environment, SIGTERM handling and exit codes: see lib/main-mode.ts).
import { exitOnInvalidConfig } from "./lib/main-mode";
import { runActivityWorker } from "./lib/worker";
import { createExampleJob, parseJobConfig } from "./job";

const jobConfig = parseJobConfig(process.env);
if (jobConfig.ok) void runActivityWorker({ handler: createExampleJob(jobConfig.value) });
else exitOnInvalidConfig(jobConfig.problem);
