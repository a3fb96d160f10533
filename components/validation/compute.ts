import { DEFAULTS, MANAGED_INSTANCES } from "../defaults";
import { Check, integerProblem } from "./problems";

/** Memory, timeout, /tmp and concurrency, each alone, then reserved against provisioned concurrency. */
export const checkCompute: Check = (a) => {
    const managed = a.computeType === "managedInstances";
    const memory = managed ? MANAGED_INSTANCES.memorySize : { min: 128, max: 10240 };
    const own = [
        ...integerProblem(
            "memorySize",
            a.memorySize,
            memory.min,
            memory.max,
            managed ? " (MB, as Lambda Managed Instances take)" : " (MB)",
        ),
        ...integerProblem("timeout", a.timeout, 1, 900, " (seconds)"),
        ...integerProblem("ephemeralStorageSize", a.ephemeralStorageSize, 512, 10240, " (MB)"),
    ];
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
    const budget = integerProblem("initBudgetSeconds", a.initBudgetSeconds, 1, 900, " (seconds)");
    const timeout = a.timeout ?? DEFAULTS.timeout;
    if (budget.length === 0 && a.initBudgetSeconds !== undefined && a.initBudgetSeconds > timeout) {
        budget.push({
            propertyPath: "initBudgetSeconds",
            reason: `must not exceed timeout (${timeout} s): past Lambda's 10 s init, init is retried inside the first invoke, which the timeout ends; got ${a.initBudgetSeconds}`,
        });
    }
    return [...own, ...reserved, ...provisioned, ...both, ...budget];
};
