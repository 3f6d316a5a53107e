// Packs this library (npm pack, which builds it) and installs the tarball into each example
// project's node_modules, as a consumer's install would place it. The examples' other packages
// (@pulumi/*, the AWS SDK, mocha) resolve from this repository's node_modules further up, so no
// registry download is needed; the library itself is the packed copy, under node_modules, which is
// what the closure serializer and the type-check must see.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { holdsPackFrom, librarySourcesHash, recordPackFrom } from "./packed-from";

const ROOT = path.resolve(__dirname, "..");
export const EXAMPLES_DIR = path.join(ROOT, "examples");
const PACKAGE_NAME = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")).name as string;

export function exampleProjects(): string[] {
    if (!fs.existsSync(EXAMPLES_DIR)) return [];
    return fs
        .readdirSync(EXAMPLES_DIR)
        .map(name => path.join(EXAMPLES_DIR, name))
        .filter(
            dir =>
                fs.existsSync(path.join(dir, "package.json")) &&
                JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies?.[PACKAGE_NAME],
        );
}

/** Where a project's installed copy of this library is. */
export function installedLibrary(projectDir: string): string {
    return path.join(projectDir, "node_modules", PACKAGE_NAME);
}

/** Returns the tarball's path; `npm pack` runs the prepack build. */
export function packLibrary(destination = fs.mkdtempSync(path.join(os.tmpdir(), "library-pack-"))): string {
    const out = execFileSync("npm", ["pack", "--silent", "--pack-destination", destination], {
        cwd: ROOT,
        encoding: "utf8",
        stdio: ["ignore", "pipe", "inherit"],
    });
    const file = out.trim().split("\n").pop()!;
    return path.join(destination, file);
}

export function installTarball(tarball: string, projectDir: string): string {
    const target = installedLibrary(projectDir);
    const unpack = fs.mkdtempSync(path.join(os.tmpdir(), "library-unpack-"));
    try {
        execFileSync("tar", ["-xzf", tarball, "-C", unpack]);
        fs.rmSync(target, { recursive: true, force: true });
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.renameSync(path.join(unpack, "package"), target);
    } finally {
        fs.rmSync(unpack, { recursive: true, force: true });
    }
    return target;
}

/**
 * Packs the library and installs it into every example project; with `reuse`, skips both when each
 * example already holds a copy packed from the current sources (scripts/packed-from.ts).
 */
export function installLibraryIntoExamples(
    log: (line: string) => void = () => undefined,
    options: { reuse?: boolean } = {},
): string[] {
    const started = Date.now();
    const sources = librarySourcesHash();
    const projects = exampleProjects();
    const targets = projects.map(installedLibrary);
    if (options.reuse && targets.every(target => holdsPackFrom(target, sources))) {
        log(
            `the ${projects.length} example project(s) hold the library packed from the current sources: not packed again`,
        );
        return targets;
    }
    const tarball = packLibrary();
    try {
        const installed = projects.map(dir => installTarball(tarball, dir));
        for (const target of installed) recordPackFrom(target, sources);
        log(
            `packed ${path.basename(tarball)} and installed it into ${installed.length} example project(s) in ${Date.now() - started} ms`,
        );
        return installed;
    } finally {
        fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
    }
}

if (require.main === module) {
    installLibraryIntoExamples(console.log);
}
