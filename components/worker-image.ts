// Which image a step's container runs: a ready URI, else one its cluster (or the step itself) builds
// — from your own Dockerfile, from the worker entry the step names, or from this repository's
// example worker.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    Architecture,
    FARGATE_ACTIVITY_STEP_DEFAULTS as DEFAULTS,
    FargateActivityStepArgs,
} from "./fargate-activity-step-args";
import { isPlain } from "./inputs";
import { packageRoot } from "./worker-context";
import { WorkerImage, WorkerImageRequest, WorkerSource } from "./worker-images";

/** This repository's worker; an installed copy of the library ships no worker sources. */
export function defaultWorkerEntry(step: string): string {
    const entry = path.join(packageRoot(), "worker-image", "main.ts");
    if (!fs.existsSync(entry)) {
        throw new Error(
            `FargateActivityStep "${step}": no default worker here (${entry} does not exist): give the step its worker's entry file (worker), an image URI (image) or your own build (imageBuild: { context, dockerfile })`,
        );
    }
    return entry;
}

/** What the step's image is built from (`imageBuild` before `worker`), by absolute paths; checked now. */
export function workerSource(
    step: string,
    args: Pick<FargateActivityStepArgs, "imageBuild" | "worker">,
    projectDir = process.cwd(),
): WorkerSource {
    if (args.imageBuild) {
        const context = path.resolve(projectDir, args.imageBuild.context ?? ".");
        const dockerfile = path.resolve(projectDir, args.imageBuild.dockerfile ?? path.join(context, "Dockerfile"));
        return { kind: "dockerfile", context, dockerfile };
    }
    if (args.worker === undefined) return { kind: "bundle", entry: defaultWorkerEntry(step) };
    const entry = path.resolve(projectDir, args.worker);
    if (!fs.existsSync(entry) || !fs.statSync(entry).isFile()) {
        throw new Error(
            `FargateActivityStep "${step}": the worker entry ${entry} is not a file (a relative worker path is resolved against the Pulumi project directory, ${projectDir})`,
        );
    }
    return { kind: "bundle", entry };
}

export interface StepImage {
    imageUri: pulumi.Output<string>;
    /** The ECR repository the execution role may pull from, if any. */
    repositoryArn?: pulumi.Input<string>;
}

/** Where a step's built images come from: its cluster, or its own repository. */
export interface ImageBuilder {
    workerImage(request: WorkerImageRequest): WorkerImage;
}

/**
 * What the step asks its builder for; undefined when it was given `image`. Called before any
 * resource exists, so a missing entry fails the program at once.
 */
export function imageRequest(
    step: string,
    args: Pick<FargateActivityStepArgs, "image" | "imageBuild" | "worker" | "architecture">,
    architecture: pulumi.Output<Architecture>,
): WorkerImageRequest | undefined {
    if (args.image !== undefined) return undefined;
    const known = isPlain(args.architecture) ? (args.architecture ?? DEFAULTS.architecture) : undefined;
    return { source: workerSource(step, args), architecture: known ?? architecture, step };
}

/** The step's image: the one it was given, or the one its builder builds for `request`. */
export function stepImage(
    args: Pick<FargateActivityStepArgs, "image" | "imageRepositoryArn">,
    request: WorkerImageRequest | undefined,
    builder: ImageBuilder,
): StepImage {
    if (request) return builder.workerImage(request);
    return { imageUri: pulumi.output(args.image!), repositoryArn: args.imageRepositoryArn };
}
