// What a FargateActivityCluster takes, and the checks made of it before any resource exists.
import * as pulumi from "@pulumi/pulumi";
import { checkOwnPlacement, checkSubnetsNotEmpty } from "./placement-validation";

export interface FargateActivityClusterArgs {
    /** Your own subnets; then no network is created and `assignPublicIp` is required. Default: a new VPC with public subnets in two zones. */
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups for the tasks (with `subnetIds`). Default with the created network: one that allows HTTPS egress only. */
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /** Give tasks a public IP: needed in public subnets without NAT to reach AWS. Required with `subnetIds`; true for the created network. */
    assignPublicIp?: boolean;
    /** An existing ECS cluster ARN. Default: a new cluster with the FARGATE and FARGATE_SPOT capacity providers. */
    clusterArn?: pulumi.Input<string>;
    /**
     * Upgrading: the name of a step (in this program, with the same parent as this component) that
     * created its own network, ECS cluster and image repository with version 0.1. This component
     * takes them over without replacing them (Pulumi aliases); the step then takes `cluster`. The
     * step's old image is not taken over: it is built anew. Default: nothing is adopted.
     */
    adoptFromStep?: string;
}

/** Throws the first problem found in what is known at program time. */
export function validateFargateActivityClusterArgs(name: string, args: FargateActivityClusterArgs): void {
    const component = `FargateActivityCluster "${name}"`;
    checkOwnPlacement(component, args);
    checkSubnetsNotEmpty(component, args);
    if (args.adoptFromStep !== undefined && (typeof args.adoptFromStep !== "string" || args.adoptFromStep === ""))
        throw new Error(`${component}: adoptFromStep must be the name of a step`);
}
