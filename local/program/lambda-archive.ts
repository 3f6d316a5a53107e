// Reads a Lambda Function's `code` input as the Pulumi mocks hand it over: an AssetArchive whose
// `assets` (and each StringAsset's `text`) may still be promises. CallbackFunction puts the
// serialized handler in `__index.js` and the packed dependencies as FileArchive folders.
const SIG = "4dabf18193072939515e22adb298388d";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";

export type ArchiveEntry =
    | { name: string; kind: "text"; text: string }
    | { name: string; kind: "file" | "directory"; path: string }
    | { name: string; kind: "remote"; uri: string };

export function isArchive(value: any): boolean {
    return !!value && typeof value === "object" && (value.__pulumiArchive === true || value[SIG] === ARCHIVE_SIG);
}

export function isAsset(value: any): boolean {
    return !!value && typeof value === "object" && (value.__pulumiAsset === true || value[SIG] === ASSET_SIG);
}

async function entriesOf(node: any, prefix: string, out: ArchiveEntry[]): Promise<void> {
    const assets = await node.assets;
    if (assets && typeof assets === "object") {
        for (const [name, child] of Object.entries<any>(assets)) {
            const full = prefix + name;
            if (isArchive(child)) {
                const childPath = await child.path;
                if (typeof childPath === "string") out.push({ name: full, kind: "directory", path: childPath });
                else if (typeof (await child.uri) === "string")
                    out.push({ name: full, kind: "remote", uri: await child.uri });
                else await entriesOf(child, full + "/", out);
            } else if (isAsset(child)) {
                out.push(await assetEntry(full, child));
            }
        }
        return;
    }
    if (typeof (await node.path) === "string")
        out.push({ name: prefix.replace(/\/$/, "") || ".", kind: "directory", path: await node.path });
    else if (typeof (await node.uri) === "string")
        out.push({ name: prefix.replace(/\/$/, "") || ".", kind: "remote", uri: await node.uri });
}

async function assetEntry(name: string, asset: any): Promise<ArchiveEntry> {
    const text = await asset.text;
    if (typeof text === "string") return { name, kind: "text", text };
    const file = await asset.path;
    if (typeof file === "string") return { name, kind: "file", path: file };
    return { name, kind: "remote", uri: String(await asset.uri) };
}

/** Every entry of an archive (nested AssetArchives flattened with `/`), in archive order. */
export async function archiveEntries(code: unknown): Promise<ArchiveEntry[]> {
    if (!isArchive(code)) throw new Error("not a Pulumi archive");
    const out: ArchiveEntry[] = [];
    await entriesOf(code, "", out);
    return out;
}

/** The text files of a code archive by name, e.g. `(await archiveFiles(fn.inputs.code))["__index.js"]`. */
export async function archiveFiles(code: unknown): Promise<Record<string, string>> {
    const files: Record<string, string> = {};
    for (const entry of await archiveEntries(code)) if (entry.kind === "text") files[entry.name] = entry.text;
    return files;
}
