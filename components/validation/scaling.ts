import { Check, integerProblem, Problem } from "./problems";

/** Provisioned-concurrency autoscaling: its bounds against the fixed counts, and its utilisation target. */
export const checkScaling: Check = (a) => {
    const max = a.provisionedConcurrencyMax;
    const target = a.provisionedConcurrencyTargetUtilization;
    const problems: Problem[] = integerProblem("provisionedConcurrencyMax", max, 1, 1_000_000);
    if (target !== undefined && (typeof target !== "number" || !(target >= 0.1 && target <= 0.9))) {
        problems.push({
            propertyPath: "provisionedConcurrencyTargetUtilization",
            reason: `must be a number from 0.1 to 0.9; got ${JSON.stringify(target)}`,
        });
    }
    if (target !== undefined && max === undefined) {
        problems.push({
            propertyPath: "provisionedConcurrencyTargetUtilization",
            reason: "is used only with provisionedConcurrencyMax (the utilisation autoscaling tracks)",
        });
    }
    if (max === undefined || !Number.isInteger(max)) {
        return problems;
    }
    const min = a.provisionedConcurrency;
    if (min === undefined) {
        problems.push({
            propertyPath: "provisionedConcurrencyMax",
            reason: "needs provisionedConcurrency, the lower bound autoscaling starts from",
        });
    } else if (Number.isInteger(min) && max <= min) {
        problems.push({
            propertyPath: "provisionedConcurrencyMax",
            reason: `must be greater than provisionedConcurrency (${min}); got ${max}`,
        });
    }
    if (typeof a.reservedConcurrency === "number" && max > a.reservedConcurrency) {
        problems.push({
            propertyPath: "provisionedConcurrencyMax",
            reason: `must not exceed reservedConcurrency (${a.reservedConcurrency}); got ${max}`,
        });
    }
    return problems;
};
