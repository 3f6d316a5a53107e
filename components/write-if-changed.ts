// Files that build steps write and concurrent readers (another plan, a test run, a Docker build)
// may read at the same moment.
import * as fs from "fs";
import * as path from "path";

/**
 * Writes `contents` to `file` unless it already holds exactly these bytes (an unchanged worker
 * leaves its build context untouched). Write then rename, the temporary file one folder up (outside
 * a build context): a reader never sees half a file.
 */
export function writeIfChanged(file: string, contents: Uint8Array): boolean {
    if (fs.existsSync(file) && Buffer.from(contents).equals(fs.readFileSync(file))) return false;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = path.join(path.dirname(path.dirname(file)), `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
    fs.writeFileSync(tmp, contents);
    fs.renameSync(tmp, file);
    return true;
}
