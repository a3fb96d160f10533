// The alarms that judge a new version.
import { Check, pass, Planned } from "../types";

/** The alarms that catch a bad model or version, on by default. */
export function alarmChecks({ resources }: Planned): Check[] {
    const metrics = resources
        .filter((r) => r.type === "aws:cloudwatch/metricAlarm:MetricAlarm")
        .map((r) => r.inputs.metricName)
        .sort();
    return [
        pass(
            "alarms on by default: errors, throttles, p99 duration, failed inits",
            JSON.stringify(metrics) === JSON.stringify(["Duration", "Errors", "InitFailures", "Throttles"]),
            metrics.join(", "),
        ),
    ];
}
