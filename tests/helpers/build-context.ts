// A Docker build context checked without a Docker engine: its Dockerfile parsed with dockerfile-ast,
// and every file a COPY or ADD takes from the context there and not excluded by its .dockerignore.
import * as fs from "fs";
import * as path from "path";
import { DockerfileParser } from "dockerfile-ast";

/**
 * A .dockerignore pattern as a regular expression over context-relative paths, after Docker's
 * rules: `*` and `?` stay within a path segment, `**` spans segments, and a pattern that matches a
 * folder excludes everything in it.
 */
function patternRegExp(pattern: string): RegExp {
    const clean = path.posix.normalize(pattern.replace(/^\/+/, ""));
    let re = "";
    for (let i = 0; i < clean.length; i++) {
        if (clean.startsWith("**/", i)) {
            re += "(?:.*/)?";
            i += 2;
        } else if (clean.startsWith("**", i)) {
            re += ".*";
            i += 1;
        } else if (clean[i] === "*") re += "[^/]*";
        else if (clean[i] === "?") re += "[^/]";
        else re += clean[i].replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
    return new RegExp(`^${re}(?:/.*)?$`);
}

/** Whether `.dockerignore` lines exclude `file` (context-relative): the last matching line decides, `!` re-includes. */
export function dockerignored(lines: string[], file: string): boolean {
    let excluded = false;
    for (const raw of lines) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const negated = line.startsWith("!");
        if (patternRegExp(negated ? line.slice(1) : line).test(path.posix.normalize(file))) excluded = !negated;
    }
    return excluded;
}

/** What is wrong with building `dockerfile` from `context`; empty when nothing is. */
export function buildContextProblems(dockerfile: string, context: string): string[] {
    const problems: string[] = [];
    const ignoreFile = path.join(context, ".dockerignore");
    const ignore = fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, "utf8").split("\n") : [];
    for (const instruction of DockerfileParser.parse(fs.readFileSync(dockerfile, "utf8")).getInstructions()) {
        const keyword = instruction.getKeyword();
        if (keyword === "RUN") problems.push(`RUN ${instruction.getArgumentsContent()}`);
        if (keyword !== "COPY" && keyword !== "ADD") continue;
        const flags = (instruction as unknown as { getFlags(): Array<{ getName(): string }> }).getFlags();
        if (flags.some(f => f.getName() === "from")) continue; // from another stage, not from the context
        for (const source of instruction
            .getArguments()
            .slice(0, -1)
            .map(a => a.getValue())) {
            if (/[*?[]/.test(source)) problems.push(`${keyword} ${source}: a wildcard source is not checked here`);
            else if (!fs.existsSync(path.join(context, source)))
                problems.push(`${keyword} ${source}: not in ${context}`);
            else if (dockerignored(ignore, source)) problems.push(`${keyword} ${source}: excluded by .dockerignore`);
        }
    }
    return problems;
}
