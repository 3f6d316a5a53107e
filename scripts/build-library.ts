// Builds the component library for publishing: `tsc` emits JavaScript and type declarations into
// dist/, then each Lambda handler module is replaced by one esbuild bundle. Installed under a
// consumer's node_modules, a handler that reached other modules of this package would be
// serialized as `require("<this package>/…")`, which its archive cannot satisfy; a bundle holds
// everything in its own scope, so the serializer copies it by value and `__index.js` needs only
// the AWS SDK the Lambda runtime provides.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as esbuild from "esbuild";

const ROOT = path.resolve(__dirname, "..");
const DIST = path.join(ROOT, "dist");
export const LAMBDA_HANDLERS = ["trigger-handler", "healer-handler"];

/** Every module a bundle requires at run time; only the SDK the Lambda runtime provides is allowed. */
export function bundleRequires(code: string): string[] {
    return [...new Set([...code.matchAll(/\brequire\(\s*["']([^"']+)["']\s*\)/g)].map(m => m[1]))];
}

export async function buildLibrary(log: (line: string) => void = console.log): Promise<void> {
    const started = Date.now();
    fs.rmSync(DIST, { recursive: true, force: true });
    execFileSync(
        process.execPath,
        [require.resolve("typescript/bin/tsc"), "-p", path.join(ROOT, "tsconfig.build.json")],
        { stdio: "inherit" },
    );
    for (const handler of LAMBDA_HANDLERS) {
        const outfile = path.join(DIST, "functions", `${handler}.js`);
        await esbuild.build({
            entryPoints: [path.join(ROOT, "functions", `${handler}.ts`)],
            outfile,
            bundle: true,
            format: "cjs",
            platform: "node",
            // The serializer runs on the deploying machine's Node; the Lambda runs nodejs22.x.
            target: "node20",
            external: ["@aws-sdk/*"],
            sourcemap: false,
            logLevel: "warning",
        });
        const code = fs.readFileSync(outfile, "utf8");
        const foreign = bundleRequires(code).filter(m => !m.startsWith("@aws-sdk/"));
        if (foreign.length > 0 || code.includes("@pulumi/"))
            throw new Error(
                `${handler} bundle requires ${foreign.join(", ") || "@pulumi/*"}: a Lambda archive could not satisfy it`,
            );
        fs.rmSync(`${outfile.slice(0, -3)}.js.map`, { force: true });
    }
    // The runtime-only Dockerfile of bundled workers, beside the components that copy it into each
    // image's build context (components/worker-context.ts finds it at ../worker-image/ from them).
    fs.copyFileSync(path.join(ROOT, "worker-image", "Dockerfile"), path.join(DIST, "worker-image", "Dockerfile"));
    log(`library built into ${path.relative(process.cwd(), DIST) || DIST} in ${Date.now() - started} ms`);
}

if (require.main === module) {
    buildLibrary().catch(err => {
        console.error(err.message ?? err);
        process.exit(1);
    });
}
