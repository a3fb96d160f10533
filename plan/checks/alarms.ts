// The alarms that judge a new version, and the rollout that rolls back on them.
import { Check, find, json, pass, Planned } from "../types";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

/** The alarms that catch a bad model or version, on by default, and what CodeDeploy does with them. */
export function alarmChecks({ resources }: Planned): Check[] {
    const alarms = resources.filter((r) => r.type === ALARM);
    const onLive = alarms
        .map((a) => a.inputs.metricName)
        .filter((m) => ["Duration", "Errors", "InitFailures", "Throttles"].includes(m))
        .sort();
    const onVersion = alarms.filter(
        (a) =>
            (a.inputs.metricName === "Status5xx" && a.inputs.dimensions?.Version !== undefined) ||
            (a.inputs.metricQueries ?? []).some(
                (q: any) => q.metric?.metricName === "Status4xx" && q.metric.dimensions?.Version !== undefined,
            ),
    );
    const checks = [
        pass(
            "alarms on by default: errors, throttles, p99 duration, failed inits",
            JSON.stringify(onLive) === JSON.stringify(["Duration", "Errors", "InitFailures", "Throttles"]),
            onLive.join(", "),
        ),
        pass(
            "alarms on the new version's own answers: any 5xx, and a 4xx share (the app answers every request)",
            onVersion.length === 2,
            `${onVersion.length} of 2`,
        ),
    ];
    const group = find(resources, "aws:codedeploy/deploymentGroup:DeploymentGroup")?.inputs;
    if (group) {
        const trust = json(
            find(resources, "aws:iam/role:Role", `${group.deploymentGroupName?.replace(/-live$/, "")}-deploy-role`)
                ?.inputs.assumeRolePolicy,
        )?.Statement?.[0];
        checks.push(
            pass(
                "a gradual rollout rolls back on every alarm, the new version's own included",
                group.autoRollbackConfiguration?.events?.includes("DEPLOYMENT_STOP_ON_ALARM") &&
                    (group.alarmConfiguration?.alarms ?? []).length === alarms.length,
                `${(group.alarmConfiguration?.alarms ?? []).length} of ${alarms.length} alarms`,
            ),
            pass(
                "CodeDeploy's role is trusted only for this account's deployment group",
                trust?.Condition?.StringEquals?.["aws:SourceAccount"] !== undefined &&
                    trust?.Condition?.ArnLike?.["aws:SourceArn"] !== undefined,
            ),
        );
    }
    return checks;
}
