// CallbackFunction zips every package in the program's `dependencies` next to the serialized
// closure. The trigger needs none of them (the Lambda runtime provides the AWS SDK v3), so we
// exclude them all and the archive holds only `__index.js`.
import * as fs from "fs";
import * as path from "path";

/** The `dependencies` of the package.json Pulumi's packager reads: the nearest one above `from`. */
export function programDependencies(from = process.cwd()): string[] {
    for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
        const file = path.join(dir, "package.json");
        if (fs.existsSync(file)) return Object.keys(JSON.parse(fs.readFileSync(file, "utf8")).dependencies ?? {});
        if (path.dirname(dir) === dir) return [];
    }
}
