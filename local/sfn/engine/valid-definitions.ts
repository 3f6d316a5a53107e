// Definitions the library's validator has accepted, remembered in this process and on disk. The
// validator compiles its JSON schemas on every call (0.1-0.7 s), and every npm start, plan and test
// process validates the same few definitions again: a tenth of the test suite's CPU. Validation is
// a pure function of the definition and the installed validators, so the disk key is the
// definition plus this checkout's lockfile (any install that could change a validator changes it).
// Only acceptances are kept: an invalid definition is validated again to report its errors.
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CACHE_DIR = path.join(ROOT, "node_modules", ".cache", "asl-valid");
const MEMORY_LIMIT = 100;

const inMemory = new Set<string>();
let lockfileHash: string | null | undefined;

function sha256(data: string | Buffer): string {
    return crypto.createHash("sha256").update(data).digest("hex");
}

/** The marker file for a definition, or undefined when there is no lockfile to key it by. */
function markerOf(definitionJson: string): string | undefined {
    if (lockfileHash === undefined) {
        try {
            lockfileHash = sha256(fs.readFileSync(path.join(ROOT, "package-lock.json")));
        } catch {
            lockfileHash = null;
        }
    }
    return lockfileHash ? path.join(CACHE_DIR, sha256(`${lockfileHash}\0${definitionJson}`)) : undefined;
}

export function knownValid(definitionJson: string): boolean {
    if (inMemory.has(definitionJson)) return true;
    const marker = markerOf(definitionJson);
    if (!marker || !fs.existsSync(marker)) return false;
    remember(definitionJson);
    return true;
}

function remember(definitionJson: string): void {
    if (inMemory.size >= MEMORY_LIMIT) inMemory.clear();
    inMemory.add(definitionJson);
}

export function rememberValid(definitionJson: string): void {
    remember(definitionJson);
    const marker = markerOf(definitionJson);
    if (!marker) return;
    try {
        fs.mkdirSync(CACHE_DIR, { recursive: true });
        fs.writeFileSync(marker, "");
    } catch {
        // a read-only or full disk only costs the next process a validation
    }
}
