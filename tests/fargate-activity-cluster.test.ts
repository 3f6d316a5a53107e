// FargateActivityCluster: what the steps of a pipeline share. Pipelines of 1, 3 and 10 steps
// (tests/fixtures/pipeline-project) create one network, one ECS cluster and one repository, and one
// image per distinct worker and architecture, while each step adds its own set; then the cluster's
// and the step's behaviour, component by component, under the mocks.
import * as assert from "assert";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { FargateActivityCluster, FargateActivityStep } from "../components";
import { DeclaredResource, installMocks, settled, unwrap } from "../local/program/mocks";
import { evaluateProject } from "../local/program/plan";
import { loadProjectConfig } from "../local/program/stack-config";
import { PROJECT_DIR, stackView } from "./helpers/dev-stack";

const FIXTURE = path.join(__dirname, "fixtures", "pipeline-project");
const FIXTURE_WORKER = path.relative(PROJECT_DIR, path.join(FIXTURE, "worker.ts"));

function counts(resources: DeclaredResource[]) {
    const of = (type: string, name?: RegExp) =>
        resources.filter(r => r.type === type && (name === undefined || name.test(r.name))).length;
    return {
        vpcs: of("aws:ec2/vpc:Vpc"),
        subnets: of("aws:ec2/subnet:Subnet"),
        internetGateways: of("aws:ec2/internetGateway:InternetGateway"),
        clusters: of("aws:ecs/cluster:Cluster"),
        repositories: of("aws:ecr/repository:Repository"),
        images: of("awsx:ecr:Image"),
        activities: of("aws:sfn/activity:Activity"),
        taskDefinitions: of("aws:ecs/taskDefinition:TaskDefinition"),
        roles: of("aws:iam/role:Role"),
        triggers: of("aws:lambda/function:Function", /-trigger$/),
        healers: of("aws:lambda/function:Function", /-healer$/),
    };
}

async function pipeline(steps: number, shared: boolean): Promise<DeclaredResource[]> {
    const plan = await evaluateProject(FIXTURE, "dev", {
        configOverrides: { "pipeline-fixture:steps": String(steps), "pipeline-fixture:shared": String(shared) },
    });
    return plan.resources;
}

describe("a pipeline of many steps", function () {
    this.timeout(120_000);

    for (const steps of [1, 3, 10]) {
        it(`${steps} step(s) with one cluster: one network, cluster and repository; an image per worker and architecture; a set per step`, async () => {
            assert.deepStrictEqual(counts(await pipeline(steps, true)), {
                vpcs: 1,
                subnets: 2,
                internetGateways: 1,
                clusters: 1,
                repositories: 1,
                // One worker entry; every second step on ARM64.
                images: Math.min(steps, 2),
                activities: steps,
                taskDefinitions: steps,
                // Execution, task, trigger and healer roles per step, and the state machine's.
                roles: 4 * steps + 1,
                triggers: steps,
                healers: steps,
            });
        });
    }

    it("3 steps each on its own (as in version 0.1): a network, cluster, repository and image per step", async () => {
        const own = counts(await pipeline(3, false));
        assert.deepStrictEqual(
            [own.vpcs, own.subnets, own.internetGateways, own.clusters, own.repositories, own.images],
            [3, 6, 3, 3, 3, 3],
        );
    });
});

describe("FargateActivityCluster and its steps", function () {
    this.timeout(60_000);
    // A fresh mocks engine per test: the components are declared directly, as a program would.
    const freshEngine = async () => {
        const { project, config } = loadProjectConfig(PROJECT_DIR, "dev");
        return installMocks(project, "dev", config);
    };

    it("shares one image among steps with the same worker and architecture, and lets each step pull it", async () => {
        const engine = await freshEngine();
        const cluster = new FargateActivityCluster("c");
        const steps = ["a", "b", "arm"].map(
            name =>
                new FargateActivityStep(name, {
                    cluster,
                    worker: FIXTURE_WORKER,
                    architecture: name === "arm" ? "ARM64" : "X86_64",
                    healLostWorkers: false,
                }),
        );
        await settled();
        const stack = stackView(engine.resources);
        const images = stack.ofType("awsx:ecr:Image");
        assert.deepStrictEqual(images.map(i => i.inputs.platform).sort(), ["linux/amd64", "linux/arm64"]);
        for (const image of images) assert.match(image.name, /^c-worker-[0-9a-f]{8}-(x86_64|arm64)$/);
        const [a, b, arm] = await Promise.all(steps.map(s => unwrap(s.imageUri)));
        assert.strictEqual(a, b);
        assert.notStrictEqual(a, arm);
        const repository = stack.one("aws:ecr/repository:Repository", "c-workers").state.arn;
        for (const name of ["a", "b", "arm"]) {
            const pull = JSON.parse(stack.one("aws:iam/rolePolicy:RolePolicy", `${name}-execution`).inputs.policy);
            assert.ok(
                pull.Statement.some((s: any) => s.Resource === repository),
                `${name} may pull from the cluster's repository`,
            );
        }
    });

    it("creates no repository when every step brings its image, and builds a step's own Dockerfile as is", async () => {
        let engine = await freshEngine();
        const given = new FargateActivityCluster("given");
        new FargateActivityStep("s", { cluster: given, image: "public.ecr.aws/x/worker:1", healLostWorkers: false });
        await settled();
        assert.deepStrictEqual(
            engine.resources.filter(r => r.type.startsWith("aws:ecr/") || r.type === "awsx:ecr:Image"),
            [],
        );

        engine = await freshEngine();
        const own = new FargateActivityCluster("own");
        const imageBuild = { context: "tests/fixtures/pipeline-project" };
        for (const name of ["s1", "s2"])
            new FargateActivityStep(name, { cluster: own, imageBuild, healLostWorkers: false });
        await settled();
        const image = stackView(engine.resources).one("awsx:ecr:Image").inputs;
        assert.deepStrictEqual(
            [image.context, image.dockerfile],
            [path.join(PROJECT_DIR, imageBuild.context), path.join(PROJECT_DIR, imageBuild.context, "Dockerfile")],
        );
        assert.match(image.imageTag, /^pipeline-project-[0-9a-f]{8}-x86_64$/);
    });

    it("places its steps in your network and ECS cluster, creating neither", async () => {
        const engine = await freshEngine();
        const cluster = new FargateActivityCluster("yours", {
            subnetIds: ["subnet-1", "subnet-2"],
            securityGroupIds: ["sg-1"],
            assignPublicIp: false,
            clusterArn: "arn:aws:ecs:us-east-1:000000000000:cluster/yours",
        });
        new FargateActivityStep("s", { cluster, image: "x", healLostWorkers: false });
        await settled();
        const stack = stackView(engine.resources);
        for (const type of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ecs/cluster:Cluster"])
            assert.strictEqual(stack.ofType(type).length, 0, type);
        const env = stack.one("aws:lambda/function:Function", "s-trigger").inputs.environment.variables;
        assert.deepStrictEqual(
            [env.SUBNET_IDS, env.SECURITY_GROUP_IDS, env.ASSIGN_PUBLIC_IP, env.CLUSTER_ARN],
            ["subnet-1,subnet-2", "sg-1", "DISABLED", "arn:aws:ecs:us-east-1:000000000000:cluster/yours"],
        );
    });

    it("refuses at program time a step that places itself too, your subnets without assignPublicIp, and a missing worker", async () => {
        await freshEngine();
        const cluster = new FargateActivityCluster("c");
        assert.throws(
            () => new FargateActivityStep("s1", { cluster, image: "x", subnetIds: ["subnet-1"], assignPublicIp: true }),
            /^Error: FargateActivityStep "s1": it runs in the given cluster, whose network and ECS cluster it uses; give subnetIds, assignPublicIp to the FargateActivityCluster instead$/,
        );
        assert.throws(
            () => new FargateActivityStep("s2", { cluster, image: "x", clusterArn: "arn:x" }),
            /give clusterArn to the FargateActivityCluster/,
        );
        assert.throws(
            () => new FargateActivityCluster("bad", { subnetIds: ["subnet-1"] }),
            /^Error: FargateActivityCluster "bad": with your own subnetIds, set assignPublicIp explicitly/,
        );
        assert.throws(
            () => new FargateActivityCluster("empty", { subnetIds: [], assignPublicIp: true }),
            /FargateActivityCluster "empty": subnetIds is empty/,
        );
        assert.throws(
            () => new FargateActivityStep("s3", { cluster, worker: "no/such/worker.ts" }),
            /^Error: FargateActivityStep "s3": the worker entry .*no\/such\/worker\.ts is not a file \(a relative worker path is resolved against the Pulumi project directory/,
        );
    });

    it("a step on its own keeps its network, cluster and repository under 0.1's names, with the new image and lifecycle", async () => {
        const engine = await freshEngine();
        new FargateActivityStep("alone", { worker: FIXTURE_WORKER, architecture: "ARM64", healLostWorkers: false });
        await settled();
        const stack = stackView(engine.resources);
        const step = stack.one("fargate-activity:steps:FargateActivityStep", "alone");
        const names = (type: string) => stack.ofType(type).map(r => [r.name, r.parent === step.urn]);
        assert.deepStrictEqual(names("aws:ec2/vpc:Vpc"), [["alone-vpc", true]]);
        assert.deepStrictEqual(names("aws:ecs/cluster:Cluster"), [["alone-cluster", true]]);
        assert.deepStrictEqual(names("aws:ecr/repository:Repository"), [["alone-worker", true]]);
        assert.deepStrictEqual(names("aws:ecr/lifecyclePolicy:LifecyclePolicy"), [["alone-worker", true]]);
        const image = stack.one("awsx:ecr:Image");
        assert.match(image.name, /^alone-worker-[0-9a-f]{8}-arm64$/);
        assert.strictEqual(image.inputs.platform, "linux/arm64");
        const policy = JSON.parse(stack.one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
        assert.strictEqual(policy.rules[0].selection.tagStatus, "untagged");
    });

    it("gives a step whose architecture is known only at deployment an image of its own", async () => {
        const engine = await freshEngine();
        const cluster = new FargateActivityCluster("c");
        for (const name of ["late1", "late2"])
            new FargateActivityStep(name, {
                cluster,
                worker: FIXTURE_WORKER,
                architecture: pulumi.output("ARM64" as const),
                healLostWorkers: false,
            });
        await settled();
        const images = stackView(engine.resources).ofType("awsx:ecr:Image");
        assert.strictEqual(images.length, 2);
        assert.match(images[0].name, /^c-worker-[0-9a-f]{8}-step-late1$/);
        assert.match(images[1].name, /^c-worker-[0-9a-f]{8}-step-late2$/);
        for (const image of images) assert.strictEqual(image.inputs.platform, "linux/arm64");
    });
});
