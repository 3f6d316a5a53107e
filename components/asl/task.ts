// Task: runs a Lambda function, an activity or a service integration.
import { Chain } from "./chain";
import { heartbeatProblem, heartbeatReachesTimeout } from "./private/heartbeat";
import { ioFields } from "./private/io-fields";
import { RetryableState } from "./state";
import { AslValue, IChainable, ResultProps } from "./types";

export interface TaskProps extends ResultProps {
    /** A Lambda function ARN, an activity ARN or a service integration ARN. */
    resource: AslValue;
    resultSelector?: Record<string, AslValue>;
    timeoutSeconds?: number;
    heartbeatSeconds?: number;
}

export class Task extends RetryableState {
    readonly type = "Task";
    constructor(
        name: string,
        readonly props: TaskProps,
    ) {
        super(name, props.comment);
        if (
            props.timeoutSeconds !== undefined &&
            props.heartbeatSeconds !== undefined &&
            heartbeatReachesTimeout(props.heartbeatSeconds, props.timeoutSeconds)
        ) {
            throw new Error(`state "${name}": ${heartbeatProblem(props.heartbeatSeconds, props.timeoutSeconds)}`);
        }
    }
    next(chainable: IChainable): Chain {
        return Chain.start(this).next(chainable);
    }
    fields() {
        return {
            Resource: this.props.resource,
            ...ioFields(this.props),
            TimeoutSeconds: this.props.timeoutSeconds,
            HeartbeatSeconds: this.props.heartbeatSeconds,
        };
    }
}
