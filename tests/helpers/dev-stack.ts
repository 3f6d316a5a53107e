// The dev stack's program, evaluated once per test process by the local engine (the same code as
// `npm run plan`), with its config loaded as the CLI would load it.
import * as path from "path";
import { DeclaredResource } from "../../local/program/mocks";
import { evaluateProject } from "../../local/program/plan";

export const PROJECT_DIR = path.resolve(__dirname, "..", "..");

/** What a test's child process loads (`node -r`) to run TypeScript, as the npm scripts do. */
export const TS_REGISTER = path.join(PROJECT_DIR, "scripts", "ts-register.js");

export interface EvaluatedStack {
    resources: DeclaredResource[];
    outputs: Record<string, any>;
    /** Resources of one type, optionally only those whose logical name matches. */
    ofType(type: string, name?: string | RegExp): DeclaredResource[];
    one(type: string, name?: string | RegExp): DeclaredResource;
}

let loaded: Promise<EvaluatedStack> | undefined;

export function devStack(): Promise<EvaluatedStack> {
    loaded ??= evaluateProject(PROJECT_DIR, "dev").then(plan => stackView(plan.resources, plan.outputs));
    return loaded;
}

export function stackView(resources: DeclaredResource[], outputs: Record<string, any> = {}): EvaluatedStack {
    const ofType = (type: string, name?: string | RegExp) =>
        resources.filter(
            r =>
                r.type === type &&
                (name === undefined || (typeof name === "string" ? r.name === name : name.test(r.name))),
        );
    return {
        resources,
        outputs,
        ofType,
        one(type, name) {
            const found = ofType(type, name);
            if (found.length !== 1) throw new Error(`expected one ${type} ${name ?? ""}, found ${found.length}`);
            return found[0];
        },
    };
}
