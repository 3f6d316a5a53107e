// Where a step's tasks run and where its image is built: in its FargateActivityCluster, or — a step
// on its own, as in version 0.1 — in a network, ECS cluster and image repository of its own, under
// the logical names 0.1 gave them, so a standalone step's stack keeps them.
import * as pulumi from "@pulumi/pulumi";
import { stepCluster } from "./cluster";
import { FargateActivityStepArgs } from "./fargate-activity-step-args";
import { workerNetwork } from "./network";
import { ImageBuilder } from "./worker-image";
import { WorkerImages } from "./worker-images";

export interface StepPlacement {
    subnetIds: pulumi.Output<string[]>;
    securityGroupIds: pulumi.Output<string[]>;
    assignPublicIp: boolean;
    clusterArn: pulumi.Output<string>;
    images: ImageBuilder;
}

export function stepPlacement(name: string, args: FargateActivityStepArgs, parent: pulumi.Resource): StepPlacement {
    const { cluster } = args;
    if (cluster) {
        const { subnetIds, securityGroupIds, assignPublicIp, clusterArn } = cluster;
        return { subnetIds, securityGroupIds, assignPublicIp, clusterArn, images: cluster };
    }
    const network = workerNetwork(name, args, { parent, component: "FargateActivityStep" });
    return {
        ...network,
        assignPublicIp: args.assignPublicIp ?? true,
        clusterArn: stepCluster(name, args.clusterArn, parent),
        images: new WorkerImages({ owner: name, parent, repositoryName: `${name}-worker` }),
    };
}
