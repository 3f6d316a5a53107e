// Errors whose `name` the state machine matches in Retry/Catch. A factory, not a class: Pulumi's
// closure serializer turns an Error subclass into a function that loses message and stack.

export function namedError(name: string, message: string): Error {
    const error = new Error(message);
    error.name = name;
    return error;
}
