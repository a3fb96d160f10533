// Lambda Managed Instances: what they need, what AWS refuses with them, and the capacity provider the
// component may create for them.
import { InferenceFunctionArgs } from "../args";
import { COMPUTE_TYPES, MANAGED_INSTANCES } from "../defaults";
import { ManagedInstancesSettings } from "../resolved";
import { integerProblem, oneOfProblem, Problem } from "./problems";

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

/** What AWS refuses with managed instances, and what they need. */
function onManagedProblems(a: InferenceFunctionArgs): Problem[] {
    const why = "Lambda Managed Instances";
    const problems: Problem[] = [];
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
}

/** Where the function runs, and what each place refuses. */
export function managedProblems(a: InferenceFunctionArgs, managed: boolean): Problem[] {
    const problems = oneOfProblem("computeType", a.computeType, COMPUTE_TYPES);
    if (managed) {
        return [...problems, ...onManagedProblems(a)];
    }
    for (const field of ON_MANAGED) {
        if (a[field] !== undefined) {
            problems.push({ propertyPath: field, reason: 'applies only with computeType "managedInstances"' });
        }
    }
    return problems;
}

/** The capacity the function runs on (the one given, or the one to create) and how its environments are sized. */
export function managedInstancesOf(a: InferenceFunctionArgs): ManagedInstancesSettings {
    const p = a.capacityProvider;
    const common = {
        maxConcurrencyPerEnvironment: a.maxConcurrencyPerEnvironment,
        memoryGiBPerVcpu: a.memoryGiBPerVcpu,
    };
    if (p === undefined) {
        if (a.capacityProviderArn === undefined) {
            throw new Error("internal error: managed instances passed validation without a capacity provider");
        }
        return { kind: "existing", capacityProviderArn: a.capacityProviderArn, ...common };
    }
    return {
        kind: "create",
        provider: {
            subnetIds: p.subnetIds,
            securityGroupIds: p.securityGroupIds,
            allowedInstanceTypes: p.allowedInstanceTypes,
            excludedInstanceTypes: p.excludedInstanceTypes,
            scaling:
                p.maxVcpuCount === undefined
                    ? undefined
                    : { maxVcpuCount: p.maxVcpuCount, targetCpuUtilization: p.targetCpuUtilization },
        },
        ...common,
    };
}
