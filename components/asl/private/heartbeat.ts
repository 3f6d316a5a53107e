// A Task's heartbeat clock must be shorter than its timeout: one as long as the task's never
// fires. The builder, the checker and the step block all apply this one rule.

/** True when the heartbeat breaks the rule (is not below the timeout). */
export function heartbeatReachesTimeout(heartbeatSeconds: number, timeoutSeconds: number): boolean {
    return heartbeatSeconds >= timeoutSeconds;
}

/** The rule's message in ASL's field names, as the builder and the checker report it. */
export function heartbeatProblem(heartbeatSeconds: number, timeoutSeconds: number): string {
    return `HeartbeatSeconds (${heartbeatSeconds}) must be below TimeoutSeconds (${timeoutSeconds})`;
}
