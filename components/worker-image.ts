// The step's container image: a given URI, or a Docker build pushed to an ECR repository of the
// stack that keeps the last 10 images.
import * as fs from "fs";
import * as path from "path";
import * as aws from "@pulumi/aws";
import * as awsx from "@pulumi/awsx";
import * as pulumi from "@pulumi/pulumi";
import { nearestPackageDir } from "./nearest-package";

/** This package's root (above components/ in the sources, above dist/components/ when built). */
function packageRoot(): string {
    return nearestPackageDir(__dirname) ?? path.resolve(__dirname, "..");
}

/**
 * The default image build: this repository's worker, with the repository root as context (the
 * worker's dependencies are in the root lockfile). An installed copy of the library ships no
 * worker sources, so there a step needs `image` or `imageBuild`.
 */
export function defaultImageBuild(): { context: string; dockerfile: string } {
    const root = packageRoot();
    const dockerfile = path.join(root, "worker-image", "Dockerfile");
    if (!fs.existsSync(dockerfile)) {
        throw new Error(
            `no default worker image here (${dockerfile} does not exist): give the step an image URI (image) or your own build (imageBuild: { context, dockerfile })`,
        );
    }
    return { context: root, dockerfile };
}

export interface WorkerImageArgs {
    image?: pulumi.Input<string>;
    imageRepositoryArn?: pulumi.Input<string>;
    imageBuild?: { context?: string; dockerfile?: string };
    architecture: pulumi.Output<string>;
}

export interface WorkerImage {
    imageUri: pulumi.Output<string>;
    /** The ECR repository the execution role may pull from, if any. */
    repositoryArn?: pulumi.Input<string>;
}

export function createWorkerImage(name: string, args: WorkerImageArgs, parent: pulumi.Resource): WorkerImage {
    if (args.image !== undefined)
        return { imageUri: pulumi.output(args.image), repositoryArn: args.imageRepositoryArn };
    const build =
        args.imageBuild?.context && args.imageBuild.dockerfile
            ? args.imageBuild
            : { ...defaultImageBuild(), ...args.imageBuild };
    const repository = new aws.ecr.Repository(
        `${name}-worker`,
        { imageTagMutability: "MUTABLE", imageScanningConfiguration: { scanOnPush: true }, forceDelete: true },
        { parent },
    );
    new aws.ecr.LifecyclePolicy(
        `${name}-worker`,
        {
            repository: repository.name,
            policy: JSON.stringify({
                rules: [
                    {
                        rulePriority: 1,
                        description: "Keep the last 10 images",
                        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
                        action: { type: "expire" },
                    },
                ],
            }),
        },
        { parent },
    );
    const image = new awsx.ecr.Image(
        `${name}-worker`,
        {
            repositoryUrl: repository.repositoryUrl,
            context: build.context,
            dockerfile: build.dockerfile,
            platform: args.architecture.apply(a => (a === "ARM64" ? "linux/arm64" : "linux/amd64")),
        },
        { parent },
    );
    return { imageUri: image.imageUri, repositoryArn: repository.arn };
}
