// The ECR repository worker images are pushed to, and its lifecycle policy.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** How many days an untagged image is kept after its push. */
export const UNTAGGED_IMAGE_DAYS = 14;

/**
 * Expire only untagged images. Each worker's current image carries its own stable tag, which a
 * rebuild moves, so untagged images are exactly the superseded ones. Tagged images are never
 * expired: a count-based rule over all tagged images could expire a worker that has not changed
 * in a while, and that a task definition still uses, while other workers rebuild.
 * https://docs.aws.amazon.com/AmazonECR/latest/userguide/lifecycle_policy_parameters.html
 */
export const WORKER_LIFECYCLE_POLICY = {
    rules: [
        {
            rulePriority: 1,
            description: `Expire untagged (superseded) images ${UNTAGGED_IMAGE_DAYS} days after their push`,
            selection: {
                tagStatus: "untagged",
                countType: "sinceImagePushed",
                countUnit: "days",
                countNumber: UNTAGGED_IMAGE_DAYS,
            },
            action: { type: "expire" },
        },
    ],
};

export interface WorkerRepositoryOptions {
    parent: pulumi.Resource;
    /** Where the repository and its policy were declared before (upgrades); see adoption.ts. */
    aliases?: pulumi.Input<pulumi.URN | pulumi.Alias>[];
}

/** The repository and its policy, both named `name`. */
export function createWorkerRepository(name: string, opts: WorkerRepositoryOptions): aws.ecr.Repository {
    const repository = new aws.ecr.Repository(
        name,
        // Mutable: a worker's tag moves to its new image on each rebuild.
        { imageTagMutability: "MUTABLE", imageScanningConfiguration: { scanOnPush: true }, forceDelete: true },
        opts,
    );
    new aws.ecr.LifecyclePolicy(
        name,
        { repository: repository.name, policy: JSON.stringify(WORKER_LIFECYCLE_POLICY) },
        opts,
    );
    return repository;
}
