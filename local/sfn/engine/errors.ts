// Errors the engine throws for bad calls. `code` is the Step Functions API error name, so the wire
// layer (../execution-operations.ts) can answer with AWS's shape without guessing.
import type { PagingErrorFactory } from "../../shared/paging";

export type EngineErrorCode =
    | "ExecutionAlreadyExists"
    | "ExecutionDoesNotExist"
    | "InvalidArn"
    | "InvalidDefinition"
    | "InvalidExecutionInput"
    | "InvalidName"
    | "InvalidToken"
    | "StateMachineAlreadyExists"
    | "StateMachineDoesNotExist"
    | "ValidationException";

export class EngineError extends Error {
    constructor(
        readonly code: EngineErrorCode,
        message: string,
    ) {
        super(message);
        this.name = code;
    }
}

/** AWS's wording for a missing required member of a request. */
export function missingMember(member: string): EngineError {
    return new EngineError(
        "ValidationException",
        `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`,
    );
}

/** A bad page token or page size (../../shared/paging.ts) as the engine's error of the same code. */
export const pagingFailure: PagingErrorFactory = (code, message) => new EngineError(code, message);
