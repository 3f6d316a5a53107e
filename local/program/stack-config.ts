// Reads a project's stack configuration the way the Pulumi CLI would hand it to a program:
// `Pulumi.yaml` `config:` defaults (namespaced by project) overlaid with `Pulumi.<stack>.yaml`.
// Under mocks there is no CLI, so tests and the local runtime use this instead.
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

export interface ProjectConfig {
    /** The project's name from `Pulumi.yaml`. */
    project: string;
    /** The program file `Pulumi.yaml` names as `main` (absolute). */
    main: string;
    /** Flat config map, `namespace:key` → string value, as `PULUMI_CONFIG` carries it. */
    config: Record<string, string>;
}

function readYaml(file: string): any {
    try {
        return parse(fs.readFileSync(file, "utf8")) ?? {};
    } catch (err: any) {
        throw new Error(`cannot read ${file}: ${err.message}`, { cause: err });
    }
}

function asConfigString(value: unknown): string {
    return typeof value === "string" ? value : JSON.stringify(value);
}

function qualify(project: string, key: string): string {
    return key.includes(":") ? key : `${project}:${key}`;
}

/** `stack` null: the `Pulumi.yaml` defaults alone. */
export function loadProjectConfig(projectDir: string, stack: string | null): ProjectConfig {
    const projectFile = path.join(projectDir, "Pulumi.yaml");
    const project = readYaml(projectFile);
    if (typeof project.name !== "string") throw new Error(`${projectFile} has no project name`);
    const config: Record<string, string> = {};
    for (const [key, spec] of Object.entries<any>(project.config ?? {})) {
        const value =
            spec !== null && typeof spec === "object" && !Array.isArray(spec) ? (spec.default ?? spec.value) : spec;
        if (value !== undefined) config[qualify(project.name, key)] = asConfigString(value);
    }
    const stackFile = path.join(projectDir, `Pulumi.${stack}.yaml`);
    if (stack === null) {
        // defaults only
    } else if (fs.existsSync(stackFile)) {
        for (const [key, value] of Object.entries<any>(readYaml(stackFile).config ?? {})) {
            if (value !== null && typeof value === "object" && "secure" in value) continue; // encrypted: not available offline
            config[qualify(project.name, key)] = asConfigString(value);
        }
    } else {
        throw new Error(`no ${stackFile}: create the stack with \`pulumi stack init ${stack}\``);
    }
    return { project: project.name, main: path.resolve(projectDir, project.main ?? "index.ts"), config };
}
