// Where workers run, checked at program time for a step on its own and for a FargateActivityCluster
// alike: the user's own subnets need an explicit assignPublicIp, security groups need the subnets
// they belong with, and an empty subnet list is refused.
import * as pulumi from "@pulumi/pulumi";

export interface PlacementArgs {
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    assignPublicIp?: boolean;
    clusterArn?: pulumi.Input<string>;
}

/** The arguments that place a step's tasks; with a FargateActivityCluster they are the cluster's. */
export const PLACEMENT_ARGS = ["subnetIds", "securityGroupIds", "assignPublicIp", "clusterArn"] as const;

/** `component`: how messages name it, e.g. `FargateActivityStep "etl"`. */
export function checkOwnPlacement(component: string, args: PlacementArgs): void {
    if (args.subnetIds !== undefined && args.assignPublicIp === undefined) {
        throw new Error(
            `${component}: with your own subnetIds, set assignPublicIp explicitly (true for public subnets without NAT, false behind NAT or VPC endpoints)`,
        );
    }
    if (args.subnetIds === undefined && args.securityGroupIds !== undefined) {
        throw new Error(`${component}: securityGroupIds need subnetIds in the same VPC`);
    }
}

export function checkSubnetsNotEmpty(component: string, args: PlacementArgs): void {
    if (Array.isArray(args.subnetIds) && args.subnetIds.length === 0) {
        throw new Error(
            `${component}: subnetIds is empty; give at least one subnet (two zones or more spread capacity shortages)`,
        );
    }
}
