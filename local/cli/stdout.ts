// For the CLIs whose standard output must hold only their own result (a plan, a diagram, an
// execution's JSON): from the call on, anything else that writes to stdout (the evaluated
// program's console.log, a library) goes to standard error instead.

export interface HeldStdout {
    /** Writes to the real standard output. */
    write(text: string): void;
    /** Writes `text` (if any) to the real standard output, then exits once it is flushed. */
    exit(code: number, text?: string): void;
}

export function holdStdout(): HeldStdout {
    const real = process.stdout.write.bind(process.stdout) as (text: string, done?: () => void) => boolean;
    (process.stdout as any).write = process.stderr.write.bind(process.stderr);
    return {
        write: text => void real(text),
        exit: (code, text) =>
            text === undefined ? real("", () => process.exit(code)) : real(text, () => process.exit(code)),
    };
}
