// The Fargate timing model (`--fargate-timing realistic`): how long each phase of a task's life
// takes, sampled from the figures in fargate-timing.json with a seeded generator so that a run can
// be repeated, and shrunk by a time scale for tests. The phases follow the ECS task life cycle
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-lifecycle-explanation.html).
import MODEL from "./fargate-timing.json";

export interface PhaseFigures {
    medianSeconds: number;
    p95Seconds: number;
    minSeconds: number;
    maxSeconds: number;
}

export type PhaseName = keyof typeof MODEL.phases;

export interface FargateTimingOptions {
    /** Fixes the sampled delays. Default 1. */
    seed?: number;
    /** Multiplies every delay (0.01 in tests); model seconds × scale = real seconds. Default 1. */
    timeScale?: number;
    /** Probability (0 to 1) that a FARGATE_SPOT task is interrupted after RUNNING. Default 0. */
    spotInterruptionProbability?: number;
}

/** One task's sampled life, in model seconds (before the time scale). */
export interface TaskTimingPlan {
    provisioning: number;
    pull: number;
    containerStart: number;
    deactivating: number;
    stopping: number;
    deprovisioning: number;
    /** Seconds after RUNNING at which a Spot interruption comes; absent: none. */
    spotInterruptionAfter?: number;
}

/** mulberry32: a small, well-mixed 32-bit generator; enough for sampling delays repeatably. */
export function seededRandom(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

/** A standard normal draw (Box–Muller) from two uniform draws. */
function normal(random: () => number): number {
    const u = Math.max(random(), Number.EPSILON);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Log-normal with the phase's median and 95th percentile, clipped to its range. */
export function samplePhase(figures: PhaseFigures, random: () => number): number {
    const sigma = Math.log(figures.p95Seconds / figures.medianSeconds) / 1.6449;
    const value = figures.medianSeconds * Math.exp(sigma * normal(random));
    return Math.min(figures.maxSeconds, Math.max(figures.minSeconds, value));
}

/** Seconds the size-dependent part of an image pull takes. */
export function pullSecondsFor(imageBytes: number): number {
    return imageBytes / (MODEL.imagePull.megabytesPerSecond * 1e6);
}

/** The bytes a task pulls: the base image's compressed layers plus the image's own (the worker bundle). */
export function imageBytesFor(ownLayerBytes: number): number {
    return MODEL.imagePull.baseImageCompressedMegabytes * 1e6 + ownLayerBytes;
}

/** The model's medians for a task, for runs without the timing model: what the local run cannot know. */
export function medianPlan(imageBytes: number): TaskTimingPlan {
    const median = (name: PhaseName) => MODEL.phases[name].medianSeconds;
    return {
        provisioning: median("provisioning"),
        pull: median("pullFixed") + pullSecondsFor(imageBytes),
        containerStart: median("containerStart"),
        deactivating: median("deactivating"),
        stopping: median("stopping"),
        deprovisioning: median("deprovisioning"),
    };
}

export class FargateTiming {
    readonly timeScale: number;
    private readonly random: () => number;
    private readonly spotProbability: number;

    constructor(options: FargateTimingOptions = {}) {
        this.timeScale = options.timeScale ?? 1;
        if (!(this.timeScale > 0)) throw new Error(`the time scale must be above 0, not ${this.timeScale}`);
        this.spotProbability = options.spotInterruptionProbability ?? 0;
        if (!(this.spotProbability >= 0 && this.spotProbability <= 1))
            throw new Error(`the Spot interruption probability must be from 0 to 1, not ${this.spotProbability}`);
        this.random = seededRandom(options.seed ?? 1);
    }

    /**
     * The next task's life. Every task draws the same number of values, in launch order, so a run
     * that launches its tasks in the same order gets the same delays.
     */
    planTask(imageBytes: number, spot: boolean): TaskTimingPlan {
        const phase = (name: PhaseName) => samplePhase(MODEL.phases[name], this.random);
        const plan: TaskTimingPlan = {
            provisioning: phase("provisioning"),
            pull: phase("pullFixed") + pullSecondsFor(imageBytes),
            containerStart: phase("containerStart"),
            deactivating: phase("deactivating"),
            stopping: phase("stopping"),
            deprovisioning: phase("deprovisioning"),
        };
        const interrupted = this.random() < this.spotProbability;
        const after = this.random() * MODEL.spotInterruption.windowSeconds;
        if (spot && interrupted) plan.spotInterruptionAfter = after;
        return plan;
    }

    /** Real milliseconds for model seconds. */
    realMs(modelSeconds: number): number {
        return modelSeconds * 1000 * this.timeScale;
    }
}
