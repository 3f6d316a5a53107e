// Whether an example project already holds the library packed from the current sources, so that
// `npm test` packs and installs it only after a change (packing builds the library: 7 CPU-s). The
// record beside the installed package holds a hash of every file the package is built from and a
// hash of the installed copy, so a changed source, a removed or edited copy, or another build
// script all mean a new pack.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..");
/** Everything `npm pack` reads to build and fill the package. */
const SOURCE_DIRS = ["components", "functions", "worker-image"];
const SOURCE_FILES = [
    "package.json",
    "package-lock.json",
    "README.md",
    "tsconfig.json",
    "tsconfig.build.json",
    "scripts/build-library.ts",
    "scripts/install-library.ts",
    __filename,
];
const SKIPPED_DIRS = new Set(["node_modules", "dist"]);

function filesUnder(dir: string, skipped: Set<string> = SKIPPED_DIRS): string[] {
    if (!fs.existsSync(dir)) return [];
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) return skipped.has(entry.name) ? [] : filesUnder(full, skipped);
        return entry.isFile() ? [full] : [];
    });
}

/** One hash over the files' relative paths and contents, in a fixed order. */
function treeHash(base: string, files: string[]): string {
    const hash = crypto.createHash("sha256");
    for (const file of [...files].sort()) {
        hash.update(`${path.relative(base, file)}\0`);
        hash.update(fs.existsSync(file) ? fs.readFileSync(file) : "(absent)");
        hash.update("\0");
    }
    return hash.digest("hex");
}

export function librarySourcesHash(): string {
    const files = [
        ...SOURCE_DIRS.flatMap(dir => filesUnder(path.join(ROOT, dir))),
        ...SOURCE_FILES.map(f => path.resolve(ROOT, f)),
    ];
    return treeHash(ROOT, files);
}

function recordFile(installed: string): string {
    return path.join(path.dirname(installed), `.${path.basename(installed)}.packed-from.json`);
}

function installedHash(installed: string): string {
    return treeHash(installed, filesUnder(installed, new Set()));
}

/** True when `installed` holds a copy packed from sources with this hash, unchanged since. */
export function holdsPackFrom(installed: string, sources: string): boolean {
    try {
        const record = JSON.parse(fs.readFileSync(recordFile(installed), "utf8"));
        return record.sources === sources && fs.existsSync(installed) && record.installed === installedHash(installed);
    } catch {
        return false;
    }
}

export function recordPackFrom(installed: string, sources: string): void {
    fs.writeFileSync(recordFile(installed), JSON.stringify({ sources, installed: installedHash(installed) }));
}
