// The worker images of one owner (a FargateActivityCluster, or a step on its own): one image per
// distinct worker and architecture, built on first request into the owner's repository (created
// then, so an owner whose steps all bring their own image creates none), shared by every step that
// asks for the same one.
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { Architecture } from "./fargate-activity-step-args";
import { prepareWorkerContext, safeLabel, shortHash } from "./worker-context";
import { createWorkerRepository } from "./worker-repository";

/** What an image is built from, by absolute paths. */
export type WorkerSource =
    { kind: "bundle"; entry: string } | { kind: "dockerfile"; context: string; dockerfile: string };

export interface WorkerImageRequest {
    /** What to build. */
    source: WorkerSource;
    /** Known at program time, it picks the shared image; an output makes the image the step's own. */
    architecture: Architecture | pulumi.Output<Architecture>;
    /** The asking step: its name keys an image whose architecture is known only at deployment. */
    step: string;
}

export interface WorkerImage {
    /** Pinned to the image's digest. */
    imageUri: pulumi.Output<string>;
    /** The repository it is pushed to, which a task's execution role must be allowed to pull from. */
    repositoryArn: pulumi.Output<string>;
}

/** A path inside the project as the same text on every machine: relative, with forward slashes. */
function projectPath(file: string, projectDir: string): string {
    return path.relative(projectDir, file).split(path.sep).join("/");
}

/**
 * `<label>-<hash>-<arch>`: the image's tag, and after its owner's name its resource name. The hash
 * is of what is built (the entry, or the context and Dockerfile) relative to the project, so the
 * key is the same on every machine that deploys the project.
 */
export function workerImageKey(request: WorkerImageRequest, projectDir: string): string {
    const { source } = request;
    const [label, built] =
        source.kind === "bundle"
            ? [
                  path.basename(source.entry, path.extname(source.entry)),
                  `bundle:${projectPath(source.entry, projectDir)}`,
              ]
            : [
                  path.basename(path.dirname(source.dockerfile)),
                  `dockerfile:${projectPath(source.context, projectDir)}:${projectPath(source.dockerfile, projectDir)}`,
              ];
    const arch = pulumi.Output.isInstance(request.architecture)
        ? `step-${request.step}`
        : request.architecture.toLowerCase();
    return `${safeLabel(label)}-${shortHash(built)}-${safeLabel(arch)}`;
}

function platformOf(architecture: Architecture | pulumi.Output<Architecture>): pulumi.Input<string> {
    const platform = (a: Architecture) => (a === "ARM64" ? "linux/arm64" : "linux/amd64");
    return pulumi.Output.isInstance(architecture) ? architecture.apply(platform) : platform(architecture);
}

export interface WorkerImagesOptions {
    /** The images' resource names start with it: the cluster's or the step's name. */
    owner: string;
    parent: pulumi.Resource;
    /** The repository's (and its lifecycle policy's) resource name. */
    repositoryName: string;
    /** Where the repository and its policy were declared before (see adoption.ts). */
    repositoryAliases?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
}

export class WorkerImages {
    private repository?: aws.ecr.Repository;
    private readonly images = new Map<string, WorkerImage>();

    constructor(private readonly options: WorkerImagesOptions) {}

    /** The image for `request`, built once per key. */
    workerImage(request: WorkerImageRequest, projectDir = process.cwd()): WorkerImage {
        const key = workerImageKey(request, projectDir);
        let image = this.images.get(key);
        if (!image) {
            image = this.build(key, request, projectDir);
            this.images.set(key, image);
        }
        return image;
    }

    private build(key: string, request: WorkerImageRequest, projectDir: string): WorkerImage {
        const { owner, parent, repositoryName, repositoryAliases } = this.options;
        this.repository ??= createWorkerRepository(repositoryName, { parent, aliases: repositoryAliases });
        const { context, dockerfile } =
            request.source.kind === "bundle" ? prepareWorkerContext(request.source.entry, projectDir) : request.source;
        const image = new awsx.ecr.Image(
            `${owner}-${key}`,
            {
                repositoryUrl: this.repository.repositoryUrl,
                context,
                dockerfile,
                platform: platformOf(request.architecture),
                // One stable tag per worker: a rebuild moves it and leaves the previous image untagged.
                imageTag: key,
            },
            { parent },
        );
        return { imageUri: image.imageUri, repositoryArn: this.repository.arn };
    }
}
