import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "../args";
import { ResolvedArgs } from "../resolved";
import { checkCompute } from "./compute";
import { checkEnvironment } from "./environment";
import { checkImage } from "./image";
import { checkJobs } from "./jobs";
import { checkManagedInstances } from "./managedInstances";
import { checkModel, gatherFacts, largeModelWarning } from "./model";
import { checkNetwork } from "./network";
import { checkObservability, ownDockerfileCaptureWarning } from "./observability";
import { Check } from "./problems";
import { resolve } from "./resolve";
import { checkRetention } from "./retention";
import { checkRollout } from "./rollout";
import { checkScaling } from "./scaling";
import { checkSecurity } from "./security";

/** Every area's checks, in the order their problems are listed. */
const CHECKS: Check[] = [
    checkImage,
    checkCompute,
    checkManagedInstances,
    checkRetention,
    checkNetwork,
    checkEnvironment,
    checkModel,
    checkRollout,
    checkScaling,
    checkSecurity,
    checkObservability,
    checkJobs,
];

/**
 * Checks every argument and returns them with defaults applied, or throws one
 * `InputPropertiesError` listing every problem. Runs before any resource is
 * registered, so bad input never leaves a half-created component behind.
 * Values that are Outputs are not judged: they are unknown until deploy.
 */
export function validateArgs(name: string, args: InferenceFunctionArgs): ResolvedArgs {
    // Languages other than TypeScript can pass null for an absent value.
    const a = Object.fromEntries(
        Object.entries(args ?? {}).filter(([, v]) => v !== null && v !== undefined),
    ) as InferenceFunctionArgs;
    const facts = gatherFacts(name, a);
    const problems = CHECKS.flatMap((check) => check(a, facts));
    if (problems.length > 0) {
        throw new pulumi.InputPropertiesError({
            message: `InferenceFunction "${name}" has ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}`,
            errors: problems,
        });
    }
    for (const warning of [largeModelWarning(name, a), ownDockerfileCaptureWarning(name, a)]) {
        if (warning) {
            pulumi.log.warn(warning);
        }
    }
    return resolve(a, facts);
}
