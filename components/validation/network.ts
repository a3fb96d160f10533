import { DEFAULTS, FUNCTION_URL_AUTH_TYPES } from "../defaults";
import { Check, oneOfProblem, Problem } from "./problems";

/** The function URL's auth (and its ceiling when public) and the VPC placement. */
export const checkNetwork: Check = (a) => {
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
    const publicUrl = (a.enableFunctionUrl ?? DEFAULTS.enableFunctionUrl) && a.functionUrlAuthType === "NONE";
    if (publicUrl && a.reservedConcurrency === undefined) {
        problems.push({
            propertyPath: "reservedConcurrency",
            reason: 'is required with functionUrlAuthType "NONE": a public URL without a ceiling lets anyone spend the account\'s concurrency and money',
        });
    }
    return problems;
};
