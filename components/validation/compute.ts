// The compute area: memory, timeout, /tmp, concurrency and its autoscaling, the init budget, the
// function's own environment, where it runs (Lambda's fleet or managed instances) and SnapStart.
import { InferenceFunctionArgs } from "../args";
import { DEFAULTS, MANAGED_INSTANCES, PYTHON_VERSIONS, SNAP_START } from "../defaults";
import { ComputeSettings, ProvisionedConcurrency } from "../resolved";
import { environmentProblems } from "./environment";
import { managedInstancesOf, managedProblems } from "./managedInstances";
import { Area, area, integerProblem, Problem } from "./problems";
import { scalingProblems } from "./scaling";

/** Each size alone, then reserved against provisioned concurrency. */
function sizeProblems(a: InferenceFunctionArgs, managed: boolean): Problem[] {
    const memory = managed ? MANAGED_INSTANCES.memorySize : { min: 128, max: 10240 };
    const reserved = integerProblem("reservedConcurrency", a.reservedConcurrency, 0, 1_000_000);
    const provisioned = integerProblem("provisionedConcurrency", a.provisionedConcurrency, 1, 1_000_000);
    // Compared only once each is valid on its own, so one mistake is reported once.
    const both =
        reserved.length === 0 &&
        provisioned.length === 0 &&
        a.reservedConcurrency !== undefined &&
        a.provisionedConcurrency !== undefined &&
        a.provisionedConcurrency > a.reservedConcurrency
            ? [
                  {
                      propertyPath: "provisionedConcurrency",
                      reason: `must not exceed reservedConcurrency (${a.reservedConcurrency}); got ${a.provisionedConcurrency}`,
                  },
              ]
            : [];
    const unit = managed ? " (MB, as Lambda Managed Instances take)" : " (MB)";
    return [
        ...integerProblem("memorySize", a.memorySize, memory.min, memory.max, unit),
        ...integerProblem("timeout", a.timeout, 1, 900, " (seconds)"),
        ...integerProblem("ephemeralStorageSize", a.ephemeralStorageSize, 512, 10240, " (MB)"),
        ...reserved,
        ...provisioned,
        ...both,
    ];
}

/** The init budget alone, then against the timeout (the first invoke retries an init past Lambda's 10 s). */
function budgetProblems(a: InferenceFunctionArgs, timeout: number): Problem[] {
    const budget = integerProblem("initBudgetSeconds", a.initBudgetSeconds, 1, 900, " (seconds)");
    if (budget.length === 0 && a.initBudgetSeconds !== undefined && a.initBudgetSeconds > timeout) {
        budget.push({
            propertyPath: "initBudgetSeconds",
            reason: `must not exceed timeout (${timeout} s): past Lambda's 10 s init, init is retried inside the first invoke, which the timeout ends; got ${a.initBudgetSeconds}`,
        });
    }
    return budget;
}

/** What Lambda refuses of SnapStart: each conflicting argument named, with why. */
function snapStartProblems(a: InferenceFunctionArgs, ephemeralStorageSize: number, managed: boolean): Problem[] {
    if (a.snapStart === undefined) {
        return [];
    }
    if (typeof a.snapStart !== "boolean") {
        return [{ propertyPath: "snapStart", reason: `must be true or false; got ${JSON.stringify(a.snapStart)}` }];
    }
    if (!a.snapStart) {
        return [];
    }
    const problems: Problem[] = [];
    if (a.provisionedConcurrency !== undefined) {
        problems.push({
            propertyPath: "provisionedConcurrency",
            reason: "must not be set with snapStart: Lambda takes either on a function, not both (SnapStart restores an environment per cold start; provisioned concurrency keeps them initialised)",
        });
    }
    if (ephemeralStorageSize > SNAP_START.maxEphemeralStorageSize) {
        problems.push({
            propertyPath: "ephemeralStorageSize",
            reason: `must be at most ${SNAP_START.maxEphemeralStorageSize} with snapStart (the snapshot holds /tmp); got ${ephemeralStorageSize}`,
        });
    }
    if (managed) {
        problems.push({
            propertyPath: "computeType",
            reason: 'must be "lambda" with snapStart: managed instances keep their environments running and take no snapshot',
        });
    }
    const python = a.pythonVersion ?? DEFAULTS.pythonVersion;
    // A Python the image cannot build is refused once, by the image's area.
    if ((PYTHON_VERSIONS as readonly string[]).includes(python) && !SNAP_START.pythonVersions.includes(python)) {
        problems.push({
            propertyPath: "pythonVersion",
            reason: `must be ${SNAP_START.pythonVersions.join(" or ")} with snapStart (the Pythons Lambda snapshots); got ${JSON.stringify(python)}`,
        });
    }
    return problems;
}

function provisionedOf(a: InferenceFunctionArgs): ProvisionedConcurrency | undefined {
    const min = a.provisionedConcurrency;
    const max = a.provisionedConcurrencyMax;
    if (min === undefined) {
        return undefined;
    }
    const targetUtilization =
        a.provisionedConcurrencyTargetUtilization ?? DEFAULTS.provisionedConcurrencyTargetUtilization;
    return { min, scaling: max === undefined ? undefined : { max, targetUtilization } };
}

/** The function's size, where it runs, its environment and its init budget. */
export function computeArea(a: InferenceFunctionArgs): Area<ComputeSettings> {
    const managed = (a.computeType ?? DEFAULTS.computeType) === "managedInstances";
    const timeout = a.timeout ?? DEFAULTS.timeout;
    const ephemeralStorageSize = a.ephemeralStorageSize ?? DEFAULTS.ephemeralStorageSize;
    const problems = [
        ...sizeProblems(a, managed),
        ...managedProblems(a, managed),
        ...environmentProblems(a.environment),
        ...scalingProblems(a),
        ...snapStartProblems(a, ephemeralStorageSize, managed),
        ...budgetProblems(a, timeout),
    ];
    return area(problems, () => ({
        managedInstances: managed ? managedInstancesOf(a) : undefined,
        memorySize: a.memorySize ?? (managed ? MANAGED_INSTANCES.memorySize.default : DEFAULTS.memorySize),
        timeout,
        ephemeralStorageSize,
        reservedConcurrency: a.reservedConcurrency,
        provisionedConcurrency: provisionedOf(a),
        environment: a.environment ?? {},
        initBudgetSeconds: a.initBudgetSeconds ?? DEFAULTS.initBudgetSeconds,
        snapStart: a.snapStart ?? DEFAULTS.snapStart,
    }));
}
