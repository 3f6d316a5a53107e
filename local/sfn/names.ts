// Names and ARNs as Step Functions spells and checks them.
import { EngineError } from "./engine/errors";

/** Largest input/output Step Functions accepts: 256 KiB of UTF-8. */
export const MAX_PAYLOAD_BYTES = 262_144;

// AWS: 1-80 characters; no whitespace, brackets < > { } [ ], wildcards ? *, special characters
// " # % \ ^ | ~ ` $ & , ; : /, or control characters (U+0000-001F, U+007F-009F).
// eslint-disable-next-line no-control-regex -- control characters are among the forbidden ones
const FORBIDDEN = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/u;

/** Why `name` is not a valid execution/state machine name, or undefined when it is. */
export function nameProblem(name: unknown): string | undefined {
    if (typeof name !== "string") return "a name must be a string";
    const length = [...name].length;
    if (length < 1 || length > 80) return `a name must be 1 to 80 characters long (got ${length})`;
    const bad = FORBIDDEN.exec(name);
    if (bad)
        return `a name must not contain ${JSON.stringify(bad[0])} (no whitespace, brackets, wildcards, control characters or any of " # % \\ ^ | ~ \` $ & , ; : /)`;
    return undefined;
}

export function validateName(name: unknown, what = "name"): string {
    const problem = nameProblem(name);
    if (problem) throw new EngineError("InvalidName", `Invalid ${what}: ${JSON.stringify(name)}: ${problem}`);
    return name as string;
}

export interface ParsedArn {
    partition: string;
    service: string;
    region: string;
    account: string;
    /** Everything after the account, split on ':' (e.g. ["execution", "sm", "name"]). */
    resource: string[];
}

export function parseArn(arn: unknown): ParsedArn | undefined {
    if (typeof arn !== "string" || arn.length > 2048) return undefined;
    const parts = arn.split(":");
    if (parts.length < 6 || parts[0] !== "arn" || !parts[1] || !parts[2]) return undefined;
    const [, partition, service, region, account, ...resource] = parts;
    return { partition, service, region, account, resource };
}

/** Checks that `arn` is a Step Functions ARN of the given resource type; throws InvalidArn otherwise. */
export function requireStatesArn(
    arn: unknown,
    type: "stateMachine" | "execution" | "activity",
    member: string,
): ParsedArn {
    const parsed = parseArn(arn);
    if (
        !parsed ||
        parsed.service !== "states" ||
        !/^[a-z0-9-]+$/.test(parsed.region) ||
        !/^\d{12}$/.test(parsed.account)
    ) {
        throw new EngineError("InvalidArn", `Invalid Arn: '${String(arn)}' (${member})`);
    }
    const expectedParts = type === "execution" ? 3 : 2;
    if (parsed.resource[0] !== type) {
        throw new EngineError(
            "InvalidArn",
            `Invalid Arn: 'Resource type not valid in this context: ${parsed.resource[0] ?? ""}'`,
        );
    }
    if (parsed.resource.length !== expectedParts || parsed.resource.slice(1).some(p => nameProblem(p) !== undefined)) {
        throw new EngineError("InvalidArn", `Invalid Arn: '${String(arn)}' (${member})`);
    }
    return parsed;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

export function isValidRegion(region: string): boolean {
    return REGION.test(region);
}

/** The activity name in `arn`, or the reason `arn` is not an activity ARN. */
export function parseActivityArn(arn: string): { ok: true; name: string } | { ok: false; problem: string } {
    const parsed = parseArn(arn);
    if (!parsed || parsed.service !== "states" || parsed.resource[0] !== "activity" || parsed.resource.length !== 2) {
        return {
            ok: false,
            problem: "is not an activity ARN (arn:aws:states:<region>:<12-digit account>:activity:<name>)",
        };
    }
    if (!isValidRegion(parsed.region))
        return { ok: false, problem: `has an invalid region ${JSON.stringify(parsed.region)}` };
    if (!/^\d{12}$/.test(parsed.account)) return { ok: false, problem: "has an invalid account" };
    const problem = nameProblem(parsed.resource[1]);
    return problem
        ? { ok: false, problem: `has an invalid activity name: ${problem}` }
        : { ok: true, name: parsed.resource[1] };
}

export function activityArnFor(region: string, account: string, name: string, partition = "aws"): string {
    return `arn:${partition}:states:${region}:${account}:activity:${name}`;
}

export function stateMachineArnFor(region: string, account: string, name: string, partition = "aws"): string {
    return `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;
}

/** `arn:aws:states:<region>:<acct>:execution:<smName>:<name>`, derived from the state machine's ARN. */
export function executionArnFor(stateMachineArn: string, executionName: string): string {
    const p = parseArn(stateMachineArn);
    if (!p || p.resource[0] !== "stateMachine")
        throw new EngineError("InvalidArn", `Invalid Arn: '${stateMachineArn}'`);
    return `arn:${p.partition}:states:${p.region}:${p.account}:execution:${p.resource[1]}:${executionName}`;
}

/** Parses a JSON text given as execution input; throws InvalidExecutionInput as AWS does. */
export function parseExecutionInput(input: unknown): { text: string; value: unknown } {
    if (input === undefined || input === null) return { text: "{}", value: {} };
    if (typeof input !== "string")
        throw new EngineError(
            "InvalidExecutionInput",
            "Invalid State Machine Execution Input: input must be a string of JSON text",
        );
    const bytes = Buffer.byteLength(input, "utf8");
    if (bytes > MAX_PAYLOAD_BYTES) {
        throw new EngineError(
            "InvalidExecutionInput",
            `Invalid State Machine Execution Input: input of ${bytes} bytes exceeds the maximum of ${MAX_PAYLOAD_BYTES} bytes`,
        );
    }
    try {
        return { text: input, value: JSON.parse(input) };
    } catch (err: any) {
        throw new EngineError(
            "InvalidExecutionInput",
            `Invalid State Machine Execution Input: '${err?.message ?? err}'`,
        );
    }
}
