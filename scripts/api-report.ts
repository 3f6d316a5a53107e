// The public API of the two entry points (`fargate-activity-step` and `fargate-activity-step/worker`),
// as API Extractor reports it from the declarations `npm test` emits into build/types/. Without
// `--update` it fails when a report differs from the committed one in api/, so every change to the
// public API shows in review; `npm run api` (with `--update`) rewrites the reports. Both entry points
// share one TypeScript program: loading @pulumi/aws's declarations twice would double the cost.
import * as path from "path";
import { CompilerState, Extractor, ExtractorConfig, ExtractorMessage } from "@microsoft/api-extractor";

const ROOT = path.resolve(__dirname, "..");
const CONFIGS = ["api/components.json", "api/worker.json"];

function main(): void {
    const update = process.argv.includes("--update");
    const configs = CONFIGS.map(file => ExtractorConfig.loadFileAndPrepare(path.join(ROOT, file)));
    for (const config of configs) {
        if (!require("fs").existsSync(config.mainEntryPointFilePath)) {
            throw new Error(
                `${config.mainEntryPointFilePath} is missing: emit the declarations first (npm run typecheck)`,
            );
        }
    }
    const compilerState = CompilerState.create(configs[0], {
        additionalEntryPoints: configs.map(c => c.mainEntryPointFilePath),
    });
    const stale: string[] = [];
    for (const config of configs) {
        const result = Extractor.invoke(config, {
            localBuild: update,
            compilerState,
            showVerboseMessages: false,
            messageCallback: quietSuccess,
        });
        if (!result.succeeded) {
            stale.push(path.relative(ROOT, config.reportFilePath));
            if (!update) console.error(`differs: ${path.relative(ROOT, config.reportTempFilePath)}`);
        } else if (result.apiReportChanged) {
            console.log(`updated ${path.relative(ROOT, config.reportFilePath)}`);
        }
    }
    if (stale.length > 0) {
        console.error(
            `The public API changed (${stale.join(", ")}). If that is intended, run \`npm run api\` and commit the report with the change.`,
        );
        process.exitCode = 1;
    }
}

/** API Extractor prints a banner and a line per success; keep only what needs reading. */
function quietSuccess(message: ExtractorMessage): void {
    if (message.logLevel === "info" || message.logLevel === "verbose") message.handled = true;
}

main();
