import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "../args";
import { ModelSettings, ResolvedArgs } from "../resolved";
import { computeArea } from "./compute";
import { imageArea, ownDockerfileSnapStartWarning } from "./image";
import { jobsArea } from "./jobs";
import { gatherFacts, largeModelWarning, modelArea } from "./model";
import { imageModelOf, modelsArea, singleModelProblems } from "./models";
import { networkArea } from "./network";
import { observabilityArea, ownDockerfileCaptureWarning } from "./observability";
import { Area, checked } from "./problems";
import { rolloutArea } from "./rollout";
import { securityArea } from "./security";

/**
 * Judges every argument, one area at a time, each applying its own defaults once, and returns the
 * resolved arguments; or throws one `InputPropertiesError` listing every problem of every area. Runs
 * before any resource is registered, so bad input never leaves a half-created component behind. Values
 * that are Outputs are not judged: they are unknown until deploy. An area that needs another's resolved
 * slice (the model's /tmp, the jobs' timeout) judges what it can without it when that area has problems.
 */
export function validateArgs(name: string, args: InferenceFunctionArgs): ResolvedArgs {
    // Languages other than TypeScript can pass null for an absent value.
    const a = Object.fromEntries(
        Object.entries(args ?? {}).filter(([, v]) => v !== null && v !== undefined),
    ) as InferenceFunctionArgs;
    const compute = computeArea(a);
    const tmpMb = compute.resolved?.ephemeralStorageSize;
    // Many models (`models`): each judged as the single model is; the image serves the first one's format.
    const many = a.models !== undefined ? modelsArea(name, a, tmpMb) : undefined;
    const facts = many ? { componentName: name } : gatherFacts(name, a, tmpMb);
    const model: Area<ModelSettings> = many
        ? { problems: many.problems, resolved: many.resolved && imageModelOf(many.resolved) }
        : (({ problems, resolved }) => ({ problems: [...problems, ...singleModelProblems(a)], resolved }))(
              modelArea(a, facts, tmpMb),
          );
    const areas = {
        image: imageArea(a, model.resolved),
        compute,
        network: networkArea(a),
        model,
        rollout: rolloutArea(a, facts),
        security: securityArea(a),
        // What jobs and capture may write must cover none of the models.
        observability: observabilityArea(a, many?.resolved?.models ?? model.resolved),
        jobs: jobsArea(a, compute.resolved, many?.resolved?.models ?? model.resolved),
    };
    // In this order the problems are listed.
    const problems = Object.values(areas).flatMap((area: Area<unknown>) => area.problems);
    if (problems.length > 0) {
        throw new pulumi.InputPropertiesError({
            message: `InferenceFunction "${name}" has ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}`,
            errors: problems,
        });
    }
    const resolved: ResolvedArgs = {
        image: checked("image", areas.image.resolved),
        compute: checked("compute", areas.compute.resolved),
        network: checked("network", areas.network.resolved),
        model: checked("model", areas.model.resolved),
        repository: many?.resolved,
        rollout: checked("rollout", areas.rollout.resolved),
        security: checked("security", areas.security.resolved),
        observability: checked("observability", areas.observability.resolved),
        jobs: checked("jobs", areas.jobs.resolved),
        tags: a.tags,
    };
    const warnings = [
        largeModelWarning(name, resolved.model),
        ownDockerfileCaptureWarning(name, a),
        ownDockerfileSnapStartWarning(name, a),
    ];
    for (const warning of warnings) {
        if (warning) {
            pulumi.log.warn(warning);
        }
    }
    return resolved;
}
