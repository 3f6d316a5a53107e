// The package a folder belongs to: the nearest folder at or above it that holds a package.json.
import * as fs from "fs";
import * as path from "path";

/** That folder, or undefined when none up to the file system's root has a package.json. */
export function nearestPackageDir(from: string): string | undefined {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "package.json"))) return dir;
        if (path.dirname(dir) === dir) return undefined;
    }
}
