// The environment `npm start -- --serve` prints for clients: what every SDK family of
// ./sdk-environment.ts reads to reach the local endpoints (both region variables, the per-service
// endpoint variables, dummy keys), and what a script needs to name the stack's resources: the
// state machine, the cluster, each step's task definition and activity. Not the global
// AWS_ENDPOINT_URL: it would send every other service (S3, STS…) to these endpoints too.
import { DUMMY_CREDENTIALS } from "../shared/account";
import type { DeclaredWorld } from "./declared-world";
import { SERVICE_ENDPOINT_VARIABLES } from "./sdk-environment";

export interface ClientEndpoints {
    region: string;
    sfnUrl: string;
    ecsUrl: string;
    stateMachineArn: string;
}

/** A step's name as a shell variable suffix: `load-each` → `LOAD_EACH`. */
export function variableSuffix(stepName: string): string {
    const suffix = stepName
        .toUpperCase()
        .replace(/[^A-Z0-9]+/g, "_")
        .replace(/^_+|_+$/g, "");
    return suffix || "STEP";
}

/** `<prefix>_<STEP>` per step, a number added when two steps give the same name. */
function perStep(prefix: string, entries: { step: string; value: string }[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const { step, value } of entries) {
        const base = `${prefix}_${variableSuffix(step)}`;
        let name = base;
        for (let n = 2; name in out; n++) name = `${base}_${n}`;
        out[name] = value;
    }
    return out;
}

/**
 * The ECS names: the cluster's name and ARN (ECS_CLUSTER, ECS_CLUSTER_ARN; one pair per cluster
 * with its name as suffix when the stack has several) and each step's task definition.
 */
function ecsVariables(world: DeclaredWorld): Record<string, string> {
    const out: Record<string, string> = {};
    if (world.clusters.length === 1) {
        out.ECS_CLUSTER = world.clusters[0].name;
        out.ECS_CLUSTER_ARN = world.clusters[0].arn;
    } else {
        Object.assign(
            out,
            perStep(
                "ECS_CLUSTER",
                world.clusters.map(c => ({ step: c.name, value: c.name })),
            ),
        );
        Object.assign(
            out,
            perStep(
                "ECS_CLUSTER_ARN",
                world.clusters.map(c => ({ step: c.name, value: c.arn })),
            ),
        );
    }
    const withTask = world.steps.filter(s => s.taskDefinitionArn);
    if (withTask.length === 1) out.TASK_DEFINITION_ARN = withTask[0].taskDefinitionArn!;
    Object.assign(
        out,
        perStep(
            "TASK_DEFINITION_ARN",
            withTask.map(s => ({ step: s.name, value: s.taskDefinitionArn! })),
        ),
    );
    return out;
}

/** The lines' names and values, in the order they are printed. */
export function clientEnvironment(world: DeclaredWorld, endpoints: ClientEndpoints): Record<string, string> {
    const activities: Record<string, string> = {};
    // A one-step program keeps the plain name the worker's own variable has.
    if (world.steps.length === 1) activities.ACTIVITY_ARN = world.steps[0].activityArn;
    Object.assign(
        activities,
        perStep(
            "ACTIVITY_ARN",
            world.steps.map(s => ({ step: s.name, value: s.activityArn })),
        ),
    );
    return {
        AWS_REGION: endpoints.region,
        AWS_DEFAULT_REGION: endpoints.region,
        [SERVICE_ENDPOINT_VARIABLES.sfn]: endpoints.sfnUrl,
        [SERVICE_ENDPOINT_VARIABLES.ecs]: endpoints.ecsUrl,
        ...DUMMY_CREDENTIALS,
        STATE_MACHINE_ARN: endpoints.stateMachineArn,
        ...ecsVariables(world),
        ...activities,
    };
}

/** One `export NAME=value` line; the value quoted for the shell when it needs to be. */
export function exportLine(name: string, value: string): string {
    const safe = /^[A-Za-z0-9_@%+=:,./-]*$/.test(value);
    return `export ${name}=${safe ? value : `'${value.replace(/'/g, `'\\''`)}'`}`;
}
