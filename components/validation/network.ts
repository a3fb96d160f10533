// The network area: the function URL (and its ceiling when public) and the VPC placement.
import { InferenceFunctionArgs } from "../args";
import { DEFAULTS, FUNCTION_URL_AUTH_TYPES } from "../defaults";
import { NetworkSettings } from "../resolved";
import { Area, area, oneOfProblem, Problem } from "./problems";

export function networkArea(a: InferenceFunctionArgs): Area<NetworkSettings> {
    const enableUrl = a.enableFunctionUrl ?? DEFAULTS.enableFunctionUrl;
    const authType = a.functionUrlAuthType ?? DEFAULTS.functionUrlAuthType;
    const problems: Problem[] = oneOfProblem("functionUrlAuthType", a.functionUrlAuthType, FUNCTION_URL_AUTH_TYPES);
    const hasSubnets = a.vpcSubnetIds !== undefined;
    if (hasSubnets !== (a.vpcSecurityGroupIds !== undefined)) {
        problems.push({
            propertyPath: hasSubnets ? "vpcSecurityGroupIds" : "vpcSubnetIds",
            reason: "must be given together with " + (hasSubnets ? "vpcSubnetIds" : "vpcSecurityGroupIds"),
        });
    }
    for (const [prop, list] of [
        ["vpcSubnetIds", a.vpcSubnetIds],
        ["vpcSecurityGroupIds", a.vpcSecurityGroupIds],
    ] as const) {
        if (Array.isArray(list) && list.length === 0) {
            problems.push({ propertyPath: prop, reason: "must hold at least one id" });
        }
    }
    if (enableUrl && authType === "NONE" && a.reservedConcurrency === undefined) {
        problems.push({
            propertyPath: "reservedConcurrency",
            reason: 'is required with functionUrlAuthType "NONE": a public URL without a ceiling lets anyone spend the account\'s concurrency and money',
        });
    }
    return area(problems, () => ({
        vpc:
            a.vpcSubnetIds !== undefined && a.vpcSecurityGroupIds !== undefined
                ? { subnetIds: a.vpcSubnetIds, securityGroupIds: a.vpcSecurityGroupIds }
                : undefined,
        functionUrl: enableUrl ? { authType: authType as "AWS_IAM" | "NONE" } : undefined,
    }));
}
