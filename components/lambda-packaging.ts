// CallbackFunction zips every package in the program's `dependencies` next to the serialized
// closure. The trigger needs none of them (the Lambda runtime provides the AWS SDK v3), so we
// exclude them all and the archive holds only `__index.js`.
import * as fs from "fs";
import * as path from "path";
import { nearestPackageDir } from "./nearest-package";

/** The `dependencies` of the package.json Pulumi's packager reads: the nearest one above `from`. */
export function programDependencies(from = process.cwd()): string[] {
    const dir = nearestPackageDir(from);
    if (dir === undefined) return [];
    return Object.keys(JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).dependencies ?? {});
}
