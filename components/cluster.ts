// The ECS cluster the workers' tasks run in (a step's, or a FargateActivityCluster's for all its
// steps): the user's, or a new one with both Fargate capacity providers associated, so either
// capacity works.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ADOPT_NOTHING, Adoption } from "./adoption";

/** The cluster's ARN: `clusterArn` when given, else a new cluster's. */
export function stepCluster(
    name: string,
    clusterArn: pulumi.Input<string> | undefined,
    parent: pulumi.Resource,
    adopt: Adoption = ADOPT_NOTHING,
): pulumi.Output<string> {
    if (clusterArn !== undefined) return pulumi.output(clusterArn);
    const cluster = new aws.ecs.Cluster(`${name}-cluster`, {}, { parent, aliases: adopt("-cluster") });
    new aws.ecs.ClusterCapacityProviders(
        `${name}-capacity`,
        { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] },
        { parent, aliases: adopt("-capacity") },
    );
    return cluster.arn;
}
