// The state machines the engine knows: CreateStateMachine (idempotent for the same definition and
// role, as AWS), DescribeStateMachine, ListStateMachines, and the lookup by ARN every other
// operation starts with.
import { pagePosition, pageSize, encodePageToken } from "../../shared/paging";
import { prepareDefinition } from "./definition";
import { EngineError, missingMember, pagingFailure } from "./errors";
import { validateWithLibrary } from "./library";
import { parseArn, requireStatesArn, stateMachineArnFor, validateName } from "../names";
import type { Sequence, StateMachineRecord } from "./records";
import type {
    CreateStateMachineInput,
    LocalStepFunctionsOptions,
    PageOptions,
    StateMachineDescription,
    StateMachineListItem,
    StateMachineSettings,
} from "./types";

export interface RegistrySettings {
    /** Region and account of state machines created by name only. */
    region: string;
    accountId: string;
    options: Pick<LocalStepFunctionsOptions, "retryIntervalScale">;
    sequence: Sequence;
}

/** ListStateMachines has no filters: every token pages the same list. */
const MACHINE_LIST = { kind: "sm", key: "" };

/**
 * A machine's settings with what AWS reports for those not given: DescribeStateMachine always
 * answers logging (OFF), tracing (disabled) and encryption (an AWS-owned key), see
 * https://docs.aws.amazon.com/step-functions/latest/apireference/API_DescribeStateMachine.html and
 * https://docs.aws.amazon.com/step-functions/latest/dg/encryption-at-rest.html.
 */
function withDefaults(input: StateMachineSettings): Required<StateMachineSettings> {
    return {
        type: input.type ?? "STANDARD",
        loggingConfiguration: input.loggingConfiguration ?? { level: "OFF", includeExecutionData: false },
        tracingConfiguration: input.tracingConfiguration ?? { enabled: false },
        encryptionConfiguration: input.encryptionConfiguration ?? { type: "AWS_OWNED_KEY" },
    };
}

export class StateMachineRegistry {
    private readonly machines = new Map<string, StateMachineRecord>();

    constructor(private readonly settings: RegistrySettings) {}

    create(input: CreateStateMachineInput): { stateMachineArn: string; creationDate: Date } {
        if (!input || typeof input !== "object") throw new TypeError("createStateMachine needs { name, definition }");
        const { name, arn } = this.nameAndArn(input);
        if (input.definition === undefined || input.definition === null) throw missingMember("definition");
        const definitionText =
            typeof input.definition === "string" ? input.definition : JSON.stringify(input.definition);
        const prepared = prepareDefinition(input.definition, {
            retryIntervalScale: this.settings.options.retryIntervalScale,
        });
        validateWithLibrary(prepared.original);

        const existing = this.machines.get(arn);
        if (existing) {
            if (
                JSON.stringify(existing.prepared.original) === JSON.stringify(prepared.original) &&
                existing.roleArn === input.roleArn
            ) {
                return { stateMachineArn: existing.arn, creationDate: existing.creationDate };
            }
            throw new EngineError("StateMachineAlreadyExists", `State Machine Already Exists: '${arn}'`);
        }
        const p = parseArn(arn)!;
        const record: StateMachineRecord = {
            arn,
            name,
            definitionText,
            roleArn: input.roleArn,
            settings: withDefaults(input),
            creationDate: new Date(),
            prepared,
            region: p.region,
            account: p.account,
            seq: this.settings.sequence(),
        };
        this.machines.set(arn, record);
        return { stateMachineArn: arn, creationDate: record.creationDate };
    }

    /** The name and ARN of a new state machine: from either, and they must agree when both are given. */
    private nameAndArn(input: CreateStateMachineInput): { name: string; arn: string } {
        let name = input.name;
        let arn = input.arn;
        if (arn !== undefined) {
            const parsed = requireStatesArn(arn, "stateMachine", "stateMachineArn");
            if (name !== undefined && parsed.resource[1] !== name)
                throw new EngineError(
                    "ValidationException",
                    `state machine name ${JSON.stringify(name)} does not match its ARN ${arn}`,
                );
            name = parsed.resource[1];
        }
        if (name === undefined) throw missingMember("name");
        validateName(name, "Name");
        arn ??= stateMachineArnFor(this.settings.region, this.settings.accountId, name);
        return { name, arn };
    }

    describe(stateMachineArn: string): StateMachineDescription {
        const m = this.get(stateMachineArn);
        return {
            stateMachineArn: m.arn,
            name: m.name,
            status: "ACTIVE",
            definition: m.definitionText,
            roleArn: m.roleArn,
            creationDate: m.creationDate,
            ...structuredClone(m.settings),
        };
    }

    list(options: PageOptions = {}): { stateMachines: StateMachineListItem[]; nextToken?: string } {
        const size = pageSize(options.maxResults, pagingFailure);
        const start = pagePosition(options.nextToken, MACHINE_LIST, pagingFailure) ?? 0;
        const all = [...this.machines.values()].sort((a, b) => a.seq - b.seq);
        const page = all.slice(start, start + size);
        return {
            stateMachines: page.map(m => ({
                stateMachineArn: m.arn,
                name: m.name,
                type: m.settings.type,
                creationDate: m.creationDate,
            })),
            nextToken: start + size < all.length ? encodePageToken(MACHINE_LIST, start + size) : undefined,
        };
    }

    /** The state machine behind an ARN, or the error AWS gives for it. */
    get(stateMachineArn: unknown): StateMachineRecord {
        if (stateMachineArn === undefined || stateMachineArn === null) throw missingMember("stateMachineArn");
        requireStatesArn(stateMachineArn, "stateMachine", "stateMachineArn");
        const m = this.machines.get(stateMachineArn as string);
        if (!m)
            throw new EngineError(
                "StateMachineDoesNotExist",
                `State Machine Does Not Exist: '${String(stateMachineArn)}'`,
            );
        return m;
    }
}
