// npm start's timing-model options: --fargate-timing, --fargate-seed, --fargate-time-scale and
// --spot-interruptions, read into the ECS emulator's FargateTimingOptions.
import type { FargateTimingOptions } from "../ecs/endpoint";

export const TIMING_HELP = `  --fargate-timing <realistic|off>
                       realistic: each task passes Fargate's states (PROVISIONING … STOPPED) with
                       delays from a documented model (local/ecs/fargate-timing.json): provisioning,
                       an image pull that grows with the image, container start, deprovisioning.
                       Default off: tasks start at once
  --fargate-seed <n>   fixes the model's sampled delays, so a run repeats (default 1)
  --fargate-time-scale <x>
                       multiplies every modelled delay (e.g. 0.1); default 1
  --spot-interruptions <p>
                       each FARGATE_SPOT task is interrupted with probability p (0 to 1) within
                       10 model seconds of RUNNING: SIGTERM, SIGKILL after its stopTimeout`;

export const TIMING_ARG_OPTIONS = {
    "fargate-timing": { type: "string" },
    "fargate-seed": { type: "string" },
    "fargate-time-scale": { type: "string" },
    "spot-interruptions": { type: "string" },
} as const;

export class TimingUsageError extends Error {}

function numberArg(name: string, text: string | undefined, valid: (n: number) => boolean, what: string) {
    if (text === undefined) return undefined;
    const value = Number(text);
    if (text.trim() === "" || !Number.isFinite(value) || !valid(value))
        throw new TimingUsageError(`--${name} must be ${what}; got ${text}`);
    return value;
}

/** The timing model's options, or undefined when it is off (the model's own flags then need it on). */
export function parseTimingArgs(values: Record<string, unknown>): FargateTimingOptions | undefined {
    const mode = (values["fargate-timing"] as string | undefined) ?? "off";
    if (mode !== "realistic" && mode !== "off")
        throw new TimingUsageError(`--fargate-timing must be realistic or off; got ${mode}`);
    const seed = numberArg(
        "fargate-seed",
        values["fargate-seed"] as string | undefined,
        Number.isInteger,
        "a whole number",
    );
    const timeScale = numberArg(
        "fargate-time-scale",
        values["fargate-time-scale"] as string | undefined,
        n => n > 0,
        "a number above 0",
    );
    const spotInterruptionProbability = numberArg(
        "spot-interruptions",
        values["spot-interruptions"] as string | undefined,
        n => n >= 0 && n <= 1,
        "a probability from 0 to 1",
    );
    if (mode === "off") {
        if (seed !== undefined || timeScale !== undefined || spotInterruptionProbability !== undefined)
            throw new TimingUsageError(
                "--fargate-seed, --fargate-time-scale and --spot-interruptions need --fargate-timing realistic",
            );
        return undefined;
    }
    return { seed, timeScale, spotInterruptionProbability };
}
