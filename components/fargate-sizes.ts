// The Fargate task size table (cpu units → memory MiB), from AWS's task definition documentation.

function range(from: number, to: number, step: number): number[] {
    const values: number[] = [];
    for (let v = from; v <= to; v += step) values.push(v);
    return values;
}

export const FARGATE_MEMORY_BY_CPU: Readonly<Record<number, readonly number[]>> = {
    256: [512, 1024, 2048],
    512: range(1024, 4096, 1024),
    1024: range(2048, 8192, 1024),
    2048: range(4096, 16384, 1024),
    4096: range(8192, 30720, 1024),
    8192: range(16384, 61440, 4096),
    16384: range(32768, 122880, 8192),
};

function describe(values: readonly number[]): string {
    return values.length <= 4
        ? values.join(", ")
        : `${values[0]} to ${values[values.length - 1]} in steps of ${values[1] - values[0]}`;
}

/** Throws a message listing the valid memory values when `cpu`/`memory` is not a Fargate size. */
export function validateFargateSize(cpu: number, memory: number): void {
    const memories = FARGATE_MEMORY_BY_CPU[cpu];
    if (!memories) {
        throw new Error(
            `cpu ${cpu} is not a Fargate size; valid cpu values: ${Object.keys(FARGATE_MEMORY_BY_CPU).join(", ")}`,
        );
    }
    if (!memories.includes(memory)) {
        throw new Error(
            `memory ${memory} MiB does not fit cpu ${cpu} on Fargate; valid memory for cpu ${cpu}: ${describe(memories)} (MiB)`,
        );
    }
}
