// Upgrading the dev stack from version 0.1: what `pulumi up` would match. Pulumi's mocks ignore
// aliases, so the local engine records each resource's aliases as the URNs the engine would look
// for (local/program/mocks.ts), and they are compared with the URNs version 0.1's plan gave the dev
// stack (tests/fixtures/urns-dev-0.1.json, recorded from that plan).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { FARGATE_ACTIVITY_CLUSTER_TYPE } from "../components/type-tokens";
import { devStack, EvaluatedStack } from "./helpers/dev-stack";

const RECORDED_0_1: Array<{ urn: string; type: string; name: string }> = JSON.parse(
    fs.readFileSync(path.join(__dirname, "fixtures", "urns-dev-0.1.json"), "utf8"),
);

/** What the step `ecs` created for itself in 0.1 and the shared cluster takes over: type, old name, new name. */
const ADOPTED: Array<[string, string, string]> = [
    ["aws:ec2/vpc:Vpc", "ecs-vpc", "shared-vpc"],
    ["aws:ec2/internetGateway:InternetGateway", "ecs-igw", "shared-igw"],
    ["aws:ec2/routeTable:RouteTable", "ecs-public", "shared-public"],
    ["aws:ec2/subnet:Subnet", "ecs-public-1", "shared-public-1"],
    ["aws:ec2/subnet:Subnet", "ecs-public-2", "shared-public-2"],
    ["aws:ec2/routeTableAssociation:RouteTableAssociation", "ecs-public-1", "shared-public-1"],
    ["aws:ec2/routeTableAssociation:RouteTableAssociation", "ecs-public-2", "shared-public-2"],
    ["aws:ec2/securityGroup:SecurityGroup", "ecs-worker", "shared-worker"],
    ["aws:ecs/cluster:Cluster", "ecs-cluster", "shared-cluster"],
    ["aws:ecs/clusterCapacityProviders:ClusterCapacityProviders", "ecs-capacity", "shared-capacity"],
    ["aws:ecr/repository:Repository", "ecs-worker", "shared-workers"],
    ["aws:ecr/lifecyclePolicy:LifecyclePolicy", "ecs-worker", "shared-workers"],
];

describe("upgrading the dev stack from version 0.1", function () {
    this.timeout(60_000);
    let stack: EvaluatedStack;
    const recordedUrns = new Set(RECORDED_0_1.map(r => r.urn));
    const recorded = (type: string, name: string) => RECORDED_0_1.find(r => r.type === type && r.name === name)!;

    before(async () => {
        stack = await devStack();
    });

    it("keeps every resource 0.1 had, each by one resource of the new plan, except the worker image, which is rebuilt", () => {
        const claimedBy = new Map<string, string>();
        for (const r of stack.resources) {
            for (const urn of [r.urn, ...(r.aliases ?? [])].filter(u => recordedUrns.has(u))) {
                assert.ok(!claimedBy.has(urn), `${urn} is claimed by ${claimedBy.get(urn)} and ${r.urn}`);
                claimedBy.set(urn, r.urn);
            }
        }
        const replaced = RECORDED_0_1.filter(r => !claimedBy.has(r.urn)).map(r => `${r.type} ${r.name}`);
        assert.deepStrictEqual(replaced, ["awsx:ecr:Image ecs-worker"]);
    });

    it("moves the step's network, ECS cluster and image repository into the shared cluster by alias", () => {
        const cluster = stack.one(FARGATE_ACTIVITY_CLUSTER_TYPE, "shared");
        for (const [type, oldName, newName] of ADOPTED) {
            const adopted = stack.one(type, newName);
            assert.strictEqual(adopted.parent, cluster.urn, `${type} ${newName} is the cluster's`);
            assert.deepStrictEqual(adopted.aliases, [recorded(type, oldName).urn], `${type} ${newName}`);
        }
    });

    it("aliases nothing else, and nothing to a resource 0.1 did not have", () => {
        const aliased = stack.resources.filter(r => r.aliases !== undefined);
        assert.deepStrictEqual(
            aliased.map(r => `${r.type} ${r.name}`).sort(),
            ADOPTED.map(([type, , newName]) => `${type} ${newName}`).sort(),
        );
        for (const r of aliased)
            for (const alias of r.aliases!) assert.ok(recordedUrns.has(alias), `${r.name}: ${alias} was not in 0.1`);
    });
});
