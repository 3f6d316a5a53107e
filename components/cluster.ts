// The ECS cluster the step's tasks run in: the user's, or a new one with both Fargate capacity
// providers associated, so either capacity works.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The cluster's ARN: `clusterArn` when given, else a new cluster's. */
export function stepCluster(
    name: string,
    clusterArn: pulumi.Input<string> | undefined,
    parent: pulumi.Resource,
): pulumi.Output<string> {
    if (clusterArn !== undefined) return pulumi.output(clusterArn);
    const cluster = new aws.ecs.Cluster(`${name}-cluster`, {}, { parent });
    new aws.ecs.ClusterCapacityProviders(
        `${name}-capacity`,
        { clusterName: cluster.name, capacityProviders: ["FARGATE", "FARGATE_SPOT"] },
        { parent },
    );
    return cluster.arn;
}
