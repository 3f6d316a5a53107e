// FargateActivityCluster: what the steps of a pipeline share — the network, the ECS cluster and
// the repository of their worker images, with one image per distinct worker and architecture — so
// a pipeline of N steps creates one VPC and one cluster, not N (AWS allows 5 VPCs per region by
// default: https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html). Each step
// still creates its own activity, task definition, roles, trigger and healer.
import * as pulumi from "@pulumi/pulumi";
import { adoptionFrom } from "./adoption";
import { stepCluster } from "./cluster";
import { FargateActivityClusterArgs, validateFargateActivityClusterArgs } from "./fargate-activity-cluster-args";
import { workerNetwork } from "./network";
import { FARGATE_ACTIVITY_CLUSTER_TYPE } from "./type-tokens";
import { WorkerImage, WorkerImageRequest, WorkerImages } from "./worker-images";

export type { FargateActivityClusterArgs } from "./fargate-activity-cluster-args";

/** The network, ECS cluster and worker images the steps given it as `cluster` share. */
export class FargateActivityCluster extends pulumi.ComponentResource {
    /** The subnets its steps' tasks run in. */
    readonly subnetIds: pulumi.Output<string[]>;
    /** The security groups of its steps' tasks. */
    readonly securityGroupIds: pulumi.Output<string[]>;
    /** Whether its steps' tasks get a public IP. */
    readonly assignPublicIp: boolean;
    /** The ECS cluster its steps' tasks run in. */
    readonly clusterArn: pulumi.Output<string>;
    private readonly images: WorkerImages;

    constructor(name: string, args: FargateActivityClusterArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        super(FARGATE_ACTIVITY_CLUSTER_TYPE, name, {}, opts);
        validateFargateActivityClusterArgs(name, args);
        const adopt = adoptionFrom(args.adoptFromStep, opts?.parent);
        const network = workerNetwork(name, args, { parent: this, component: "FargateActivityCluster", adopt });
        this.subnetIds = network.subnetIds;
        this.securityGroupIds = network.securityGroupIds;
        this.assignPublicIp = args.assignPublicIp ?? true;
        this.clusterArn = stepCluster(name, args.clusterArn, this, adopt);
        // Created with the first image a step needs; an adopted step's repository keeps its old name.
        this.images = new WorkerImages({
            owner: name,
            parent: this,
            repositoryName: `${name}-workers`,
            repositoryAliases: adopt("-worker"),
        });
        this.registerOutputs({
            subnetIds: this.subnetIds,
            securityGroupIds: this.securityGroupIds,
            clusterArn: this.clusterArn,
        });
    }

    /**
     * The image of a worker, built once per distinct worker and architecture into this cluster's
     * repository. FargateActivityStep calls it; it may serve a container of your own too.
     */
    workerImage(request: WorkerImageRequest): WorkerImage {
        return this.images.workerImage(request);
    }
}
