import { Check, Problem } from "./problems";

/** CloudWatch's rule for a namespace: 1 to 255 of these characters, and none of AWS's own. */
const NAMESPACE = /^[0-9A-Za-z.\-_/#:]{1,255}$/;

/** Where the function's metrics go. */
export const checkObservability: Check = (a) => {
    const namespace = a.metricsNamespace;
    if (namespace === undefined) {
        return [];
    }
    const problems: Problem[] = [];
    if (typeof namespace !== "string" || !NAMESPACE.test(namespace) || namespace.startsWith(":")) {
        problems.push({
            propertyPath: "metricsNamespace",
            reason: `must be 1 to 255 letters, digits and . - _ / # : (a CloudWatch namespace); got ${JSON.stringify(namespace)}`,
        });
    } else if (namespace.startsWith("AWS/")) {
        problems.push({
            propertyPath: "metricsNamespace",
            reason: `must not start with "AWS/", which CloudWatch keeps for AWS's own metrics; got ${JSON.stringify(namespace)}`,
        });
    }
    return problems;
};
