// Upgrading from 0.1, where each step created its own network, ECS cluster and image repository: a
// FargateActivityCluster adopting a step's takes them over under its own names, each with an alias
// naming where that step declared it, so Pulumi moves them into the cluster instead of replacing
// them. Aliases are matched by URN; the step is declared after the cluster, so its URN is built
// from its name, type and parent rather than read from it.
import * as pulumi from "@pulumi/pulumi";
import { FARGATE_ACTIVITY_STEP_TYPE } from "./type-tokens";

/** The aliases of a resource the step declared as `<step><suffix>`; undefined when nothing is adopted. */
export type Adoption = (suffix: string) => pulumi.Alias[] | undefined;

export const ADOPT_NOTHING: Adoption = () => undefined;

/** Adoption from the step `step` (undefined: none), whose parent is `parent` (undefined: the stack). */
export function adoptionFrom(step: string | undefined, parent: pulumi.Resource | undefined): Adoption {
    if (step === undefined) return ADOPT_NOTHING;
    const stepUrn = pulumi.createUrn(step, FARGATE_ACTIVITY_STEP_TYPE, parent);
    return suffix => [{ name: `${step}${suffix}`, parent: stepUrn }];
}
