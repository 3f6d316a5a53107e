// The network of the workers' containers (a step's, or a FargateActivityCluster's for all its
// steps): the user's subnets and security groups, or by default public subnets in two availability
// zones (no NAT gateway to pay for) and a security group that admits nothing and lets out only
// HTTPS, which is all a worker needs (Step Functions, ECR, CloudWatch Logs).
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ADOPT_NOTHING, Adoption } from "./adoption";

export interface StepNetwork {
    vpcId: pulumi.Output<string>;
    subnetIds: pulumi.Output<string[]>;
    securityGroupIds: pulumi.Output<string[]>;
}

export const DEFAULT_AVAILABILITY_ZONES = 2;

export interface StepNetworkArgs {
    subnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface WorkerNetworkOptions {
    parent: pulumi.Resource;
    /** The component's class, for messages. */
    component: "FargateActivityStep" | "FargateActivityCluster";
    /** Aliases of the created network's resources (upgrades). */
    adopt?: Adoption;
}

/** The subnets and security groups: the user's (subnets checked when they resolve), or a new public network. */
export function workerNetwork(
    name: string,
    args: StepNetworkArgs,
    opts: WorkerNetworkOptions,
): Pick<StepNetwork, "subnetIds" | "securityGroupIds"> {
    if (args.subnetIds === undefined) return createPublicNetwork(name, opts.parent, opts.adopt);
    return {
        subnetIds: pulumi.output(args.subnetIds).apply(ids => {
            if (ids.length === 0) throw new Error(`${opts.component} "${name}": subnetIds is empty`);
            return ids;
        }),
        securityGroupIds: pulumi.output(args.securityGroupIds ?? []) as pulumi.Output<string[]>,
    };
}

/** The i-th /20 of a /16 VPC range. */
export function subnetCidr(vpcCidr: string, index: number): string {
    const match = /^(\d+)\.(\d+)\.0\.0\/16$/.exec(vpcCidr);
    if (!match) throw new Error(`the default network needs a /16 VPC range like 10.0.0.0/16; got ${vpcCidr}`);
    return `${match[1]}.${match[2]}.${index * 16}.0/20`;
}

export function createPublicNetwork(
    name: string,
    parent: pulumi.Resource,
    adopt: Adoption = ADOPT_NOTHING,
    cidr = "10.0.0.0/16",
): StepNetwork {
    const opts = (suffix: string) => ({ parent, aliases: adopt(suffix) });
    const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        { cidrBlock: cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: `${name}-vpc` } },
        opts("-vpc"),
    );
    const gateway = new aws.ec2.InternetGateway(
        `${name}-igw`,
        { vpcId: vpc.id, tags: { Name: `${name}-igw` } },
        opts("-igw"),
    );
    const routes = new aws.ec2.RouteTable(
        `${name}-public`,
        {
            vpcId: vpc.id,
            routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: gateway.id }],
            tags: { Name: `${name}-public` },
        },
        opts("-public"),
    );
    const zones = aws.getAvailabilityZonesOutput({ state: "available" }, { parent });
    const subnets: aws.ec2.Subnet[] = [];
    for (let i = 0; i < DEFAULT_AVAILABILITY_ZONES; i++) {
        const subnet = new aws.ec2.Subnet(
            `${name}-public-${i + 1}`,
            {
                vpcId: vpc.id,
                cidrBlock: subnetCidr(cidr, i),
                availabilityZone: zones.names.apply(names => {
                    if (names.length < DEFAULT_AVAILABILITY_ZONES)
                        throw new Error(
                            `the region has ${names.length} available zones; the default network needs ${DEFAULT_AVAILABILITY_ZONES}`,
                        );
                    return names[i];
                }),
                // RunTask's assignPublicIp gives the task its address; nothing else should get one.
                mapPublicIpOnLaunch: false,
                tags: { Name: `${name}-public-${i + 1}` },
            },
            opts(`-public-${i + 1}`),
        );
        new aws.ec2.RouteTableAssociation(
            `${name}-public-${i + 1}`,
            { subnetId: subnet.id, routeTableId: routes.id },
            opts(`-public-${i + 1}`),
        );
        subnets.push(subnet);
    }
    const securityGroup = new aws.ec2.SecurityGroup(
        `${name}-worker`,
        {
            vpcId: vpc.id,
            description: "Fargate activity workers: no ingress, HTTPS egress only",
            egress: [
                {
                    protocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrBlocks: ["0.0.0.0/0"],
                    description: "AWS APIs and image pulls",
                },
            ],
            tags: { Name: `${name}-worker` },
        },
        opts("-worker"),
    );
    return {
        vpcId: vpc.id,
        subnetIds: pulumi.all(subnets.map(s => s.id)),
        securityGroupIds: pulumi.output([securityGroup.id]) as pulumi.Output<string[]>,
    };
}
