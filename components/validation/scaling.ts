import { InferenceFunctionArgs } from "../args";
import { integerProblem, numberProblem, Problem } from "./problems";

/** Provisioned-concurrency autoscaling: its bounds against the fixed counts, and its utilisation target. */
export function scalingProblems(a: InferenceFunctionArgs): Problem[] {
    const max = a.provisionedConcurrencyMax;
    const target = a.provisionedConcurrencyTargetUtilization;
    const problems: Problem[] = [
        ...integerProblem("provisionedConcurrencyMax", max, 1, 1_000_000),
        ...numberProblem("provisionedConcurrencyTargetUtilization", target, 0.1, 0.9),
    ];
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
}
