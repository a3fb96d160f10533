// Lambda Managed Instances, the Python of the image, and SnapStart: what AWS allows together.
import { InferenceFunctionArgs } from "../args";
import { BASE_IMAGE_REPOSITORY, COMPUTE_TYPES, DEFAULTS, MANAGED_INSTANCES, PYTHON_VERSIONS } from "../defaults";
import { Check, integerProblem, isKnown, oneOfProblem, Problem } from "./problems";

const ON_MANAGED = [
    "capacityProviderArn",
    "capacityProvider",
    "maxConcurrencyPerEnvironment",
    "memoryGiBPerVcpu",
] as const;

function capacityProviderProblems(a: InferenceFunctionArgs): Problem[] {
    const p = a.capacityProvider;
    if (p === undefined) {
        return [];
    }
    const at = (field: string) => `capacityProvider.${field}`;
    const problems: Problem[] = [];
    for (const field of ["subnetIds", "securityGroupIds"] as const) {
        const value = p[field];
        if (value === undefined || (Array.isArray(value) && value.length === 0)) {
            problems.push({ propertyPath: at(field), reason: "is required: at least one id" });
        }
    }
    if (p.allowedInstanceTypes !== undefined && p.excludedInstanceTypes !== undefined) {
        problems.push({
            propertyPath: at("excludedInstanceTypes"),
            reason: "cannot be given with allowedInstanceTypes: name the types allowed, or those excluded",
        });
    }
    problems.push(
        ...integerProblem(at("maxVcpuCount"), p.maxVcpuCount, 1, Number.MAX_SAFE_INTEGER),
        ...integerProblem(at("targetCpuUtilization"), p.targetCpuUtilization, 10, 90, " (percent)"),
    );
    if (p.targetCpuUtilization !== undefined && p.maxVcpuCount === undefined) {
        problems.push({
            propertyPath: at("maxVcpuCount"),
            reason: "is required with targetCpuUtilization: manual scaling needs its ceiling",
        });
    }
    return problems;
}

/** Where the function runs, and what each place refuses. */
export const checkManagedInstances: Check = (a) => {
    const problems: Problem[] = [
        ...oneOfProblem("computeType", a.computeType, COMPUTE_TYPES),
        ...oneOfProblem("pythonVersion", a.pythonVersion, PYTHON_VERSIONS),
    ];
    const python = a.pythonVersion ?? DEFAULTS.pythonVersion;
    const base = a.buildArgs?.BASE_IMAGE;
    if (isKnown(base) && String(base).startsWith(`${BASE_IMAGE_REPOSITORY}:`)) {
        const tag = String(base)
            .slice(BASE_IMAGE_REPOSITORY.length + 1)
            .split("@")[0];
        if (tag !== python) {
            problems.push({
                propertyPath: "buildArgs.BASE_IMAGE",
                reason: `is Python ${tag}, but pythonVersion is ${python}: pin the base of the same version`,
            });
        }
    }
    if (a.snapStart === true) {
        const also = [
            ...(a.provisionedConcurrency !== undefined ? ["with provisioned concurrency"] : []),
            ...((a.ephemeralStorageSize ?? 512) > 512 ? ["with an ephemeralStorageSize above 512 MB"] : []),
        ];
        problems.push({
            propertyPath: "snapStart",
            reason:
                "is not available for container images: Lambda offers SnapStart for .zip functions only" +
                (also.length ? `, and never ${also.join(" or ")}` : ""),
        });
    }
    if ((a.computeType ?? DEFAULTS.computeType) !== "managedInstances") {
        for (const field of ON_MANAGED) {
            if (a[field] !== undefined) {
                problems.push({ propertyPath: field, reason: 'applies only with computeType "managedInstances"' });
            }
        }
        return problems;
    }
    const why = "Lambda Managed Instances";
    if (python < MANAGED_INSTANCES.minimumPython) {
        problems.push({
            propertyPath: "pythonVersion",
            reason: `must be ${MANAGED_INSTANCES.minimumPython} or newer with computeType "managedInstances": ${why} run Python 3.13 and later; got ${python}`,
        });
    }
    if ((a.capacityProviderArn === undefined) === (a.capacityProvider === undefined)) {
        problems.push({
            propertyPath: "capacityProvider",
            reason: `give exactly one of capacityProviderArn (an existing capacity provider) or capacityProvider (one to create) with computeType "managedInstances"`,
        });
    }
    for (const field of ["provisionedConcurrency", "provisionedConcurrencyMax"] as const) {
        if (a[field] !== undefined) {
            problems.push({
                propertyPath: field,
                reason: `does not apply to ${why}: their environments stay warm and scale on CPU, ahead of traffic`,
            });
        }
    }
    for (const field of ["vpcSubnetIds", "vpcSecurityGroupIds"] as const) {
        if (a[field] !== undefined) {
            problems.push({
                propertyPath: field,
                reason: `does not apply to ${why}: the capacity provider's subnets and security groups place them`,
            });
        }
    }
    const { memoryGiBPerVcpu, maxConcurrencyPerEnvironment } = MANAGED_INSTANCES;
    problems.push(
        ...integerProblem(
            "maxConcurrencyPerEnvironment",
            a.maxConcurrencyPerEnvironment,
            maxConcurrencyPerEnvironment.min,
            maxConcurrencyPerEnvironment.max,
        ),
        ...oneOfProblem("memoryGiBPerVcpu", a.memoryGiBPerVcpu, memoryGiBPerVcpu),
        ...capacityProviderProblems(a),
    );
    return problems;
};
