// What keeps a deploy recoverable: the image live runs is never expired, and init has a deadline.
import { Check, find, json, pass, Planned } from "../types";

export function reliabilityChecks({ resources, fn, env }: Planned): Check[] {
    const rules = json(find(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy")?.inputs.policy)?.rules ?? [];
    const liveRule = rules.find((r: any) => r.selection?.tagPrefixList?.includes("live"));
    const countRule = rules.find((r: any) => r.selection?.tagStatus === "any");
    const tagging = resources.some((r) => r.type === "command:local:Command" && r.inputs.create === "tag-live-image");
    const budget = Number(env.INIT_BUDGET_SECONDS);
    return [
        pass(
            "the image live runs is never expired (a protected live tag, moved after each successful rollout)",
            liveRule !== undefined &&
                countRule !== undefined &&
                liveRule.rulePriority < countRule.rulePriority &&
                tagging,
        ),
        pass(
            "init has a budget within the timeout: a slow or silent S3 fails init, it does not hang",
            Number.isInteger(budget) && budget >= 1 && (typeof fn.timeout !== "number" || budget <= fn.timeout),
            `INIT_BUDGET_SECONDS=${env.INIT_BUDGET_SECONDS}`,
        ),
    ];
}
