// Which part of the repository may depend on which. Dependencies point one way: the program
// (index.ts) → the library (components/) → the Lambda logic (functions/); code that runs in AWS
// (functions/, worker-image/) never loads Pulumi; the local runtime (local/) is laid out by the
// service it emulates, and only its composition root (local/stack/) wires the emulators together.
import * as path from "path";

/** A file's place: `local:sfn` for local/sfn/**, `worker-lib` for worker-image/lib/**, and so on. */
export function areaOf(file: string): string {
    const parts = file.split("/");
    if (parts.length === 1) return parts[0] === "index.ts" ? "program" : "root";
    if (parts[0] === "worker-image") return parts[1] === "lib" ? "worker-lib" : "worker-image";
    if (parts[0] === "local") return parts.length === 2 ? "local:loose" : `local:${parts[1]}`;
    if (parts[0] === "examples") return `example:${parts[1]}`;
    return parts[0];
}

/** Folders of local/ that are not emulated services; every other folder of local/ is one. */
const LOCAL_WIRING = new Set(["local:shared", "local:program", "local:stack", "local:cli"]);

export function isLocalService(area: string): boolean {
    return area.startsWith("local:") && !LOCAL_WIRING.has(area) && area !== "local:loose";
}

/** What a file depends on: another file of the repository (its area) or a package (its name). */
export type Dependency = { kind: "file"; file: string; area: string } | { kind: "package"; name: string };

export function classify(fromFile: string, specifier: string): Dependency {
    if (specifier.startsWith(".")) {
        const file = path.posix.normalize(path.posix.join(path.posix.dirname(fromFile), specifier));
        return { kind: "file", file, area: areaOf(file) };
    }
    const name = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
    return { kind: "package", name: name.replace(/^node:/, "") };
}

const LIBRARY = ["components", "functions", "worker-lib", "worker-image"];
const OUTSIDE_THE_LIBRARY = ["program", "tests", "bench", "scripts", "root"];
/** @aws-sdk/client-ecs: only its endpoint resolver, for the task marker's TagResource (ecs-endpoint.ts). */
const WORKER_LIB_PACKAGES =
    /^(@aws-sdk\/client-sfn|@aws-sdk\/client-ecs|@smithy\/node-http-handler|@smithy\/signature-v4|crypto|http|https|os|events)$/;

export interface Rule {
    /** Says what the rule forbids, as a reviewer would. */
    name: string;
    /** Whether the rule speaks about files of this area. */
    appliesTo: (area: string) => boolean;
    /** A reason the dependency breaks the rule, or undefined when it is allowed. */
    check: (dependency: Dependency, fromArea: string) => string | undefined;
}

const isLocal = (area: string) => area.startsWith("local:");
const isPulumi = (d: Dependency) => d.kind === "package" && d.name.startsWith("@pulumi/");

export const RULES: Rule[] = [
    {
        name: "the library (components/, functions/, worker-image/) never imports local/, tests, benchmarks, scripts or the program",
        appliesTo: area => LIBRARY.includes(area),
        check: d =>
            d.kind === "file" && (isLocal(d.area) || OUTSIDE_THE_LIBRARY.includes(d.area))
                ? `imports ${d.file}`
                : undefined,
    },
    {
        name: "code that runs in AWS (functions/, worker-image/) never imports @pulumi/*",
        appliesTo: area => area === "functions" || area.startsWith("worker"),
        check: d => (isPulumi(d) ? `imports ${(d as { name: string }).name}` : undefined),
    },
    {
        name: "functions/ never imports components/ (index.ts → components/ → functions/)",
        appliesTo: area => area === "functions",
        check: d => (d.kind === "file" && d.area === "components" ? `imports ${d.file}` : undefined),
    },
    {
        name: "the worker never imports the Pulumi side (components/, functions/)",
        appliesTo: area => area.startsWith("worker"),
        check: d =>
            d.kind === "file" && (d.area === "components" || d.area === "functions") ? `imports ${d.file}` : undefined,
    },
    {
        name: "the worker library (worker-image/lib/) imports only itself, Node and the AWS SDK it declares",
        appliesTo: area => area === "worker-lib",
        check: d => {
            if (d.kind === "file") return d.area === "worker-lib" ? undefined : `imports ${d.file}`;
            return WORKER_LIB_PACKAGES.test(d.name) ? undefined : `imports the package ${d.name}`;
        },
    },
    {
        name: "local/shared/ imports nothing else of local/",
        appliesTo: area => area === "local:shared",
        check: d =>
            d.kind === "file" && isLocal(d.area) && d.area !== "local:shared" ? `imports ${d.file}` : undefined,
    },
    {
        name: "an emulated service (each other folder of local/) imports only itself and local/shared/, and nothing of the library",
        appliesTo: isLocalService,
        check: (d, from) => {
            if (d.kind !== "file") return undefined;
            if (isLocal(d.area)) return d.area === from || d.area === "local:shared" ? undefined : `imports ${d.file}`;
            return LIBRARY.includes(d.area) || d.area === "program" ? `imports ${d.file}` : undefined;
        },
    },
    {
        name: "local/program/ (the only part of local/ that loads Pulumi) imports only itself and local/shared/ of local/",
        appliesTo: area => area === "local:program",
        check: d =>
            d.kind === "file" && isLocal(d.area) && d.area !== "local:program" && d.area !== "local:shared"
                ? `imports ${d.file}`
                : undefined,
    },
    {
        name: "nothing of local/ but local/program/ imports @pulumi/*",
        appliesTo: area => isLocal(area) && area !== "local:program",
        check: d => (isPulumi(d) ? `imports ${(d as { name: string }).name}` : undefined),
    },
    {
        name: "benchmarks and scripts import Pulumi only through local/program/",
        appliesTo: area => area === "bench" || area === "scripts",
        check: d => (isPulumi(d) ? `imports ${(d as { name: string }).name}` : undefined),
    },
    {
        name: "an example project uses the library as a consumer does: by its package name, never by a path out of its folder",
        appliesTo: area => area.startsWith("example:"),
        check: (d, from) => (d.kind === "file" && d.area !== from ? `imports ${d.file}` : undefined),
    },
];

export interface Violation {
    file: string;
    specifier: string;
    rule: string;
    reason: string;
}

/** Every broken rule in one file's dependencies. */
export function violationsOf(file: string, specifiers: string[]): Violation[] {
    const from = areaOf(file);
    const violations: Violation[] = [];
    for (const rule of RULES.filter(r => r.appliesTo(from))) {
        for (const specifier of specifiers) {
            const reason = rule.check(classify(file, specifier), from);
            if (reason !== undefined) violations.push({ file, specifier, rule: rule.name, reason });
        }
    }
    return violations;
}
