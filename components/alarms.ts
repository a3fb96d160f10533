import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT } from "./contract";
import { DURATION_ALARM_SHARE, LIVE_ALIAS, METRIC_NAMESPACE } from "./defaults";
import { AlarmSettings, BuildContext } from "./resolved";

export interface FunctionAlarms {
    alarms: aws.cloudwatch.MetricAlarm[];
    /** What CodeDeploy watches during a gradual rollout. */
    names: pulumi.Output<string>[];
}

/** The init-failure metric of one function: its own namespace, from its (unique) log group name. */
export function initFailureNamespace(logGroupName: string): string {
    return `${METRIC_NAMESPACE}${logGroupName}`;
}

/**
 * Alarms on the `live` alias (so they judge what callers get, including a
 * canary's share): any error, any throttle, p99 duration at 80% of the
 * timeout for three minutes, and any failed init, counted by a metric filter
 * on the app's `{"message": "init failed"}` log line.
 */
export function createAlarms(
    name: string,
    settings: AlarmSettings,
    timeout: number,
    deps: { fn: aws.lambda.Function; logGroup: aws.cloudwatch.LogGroup },
    { parent, tags }: BuildContext,
): FunctionAlarms {
    const onAlias = { FunctionName: deps.fn.name, Resource: pulumi.interpolate`${deps.fn.name}:${LIVE_ALIAS}` };
    const notify = { alarmActions: settings.actions, okActions: settings.actions, tags };
    const perMinute = { period: 60, evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" };
    const namespace = deps.logGroup.name.apply(initFailureNamespace);
    new aws.cloudwatch.LogMetricFilter(
        `${name}-init-failures`,
        {
            logGroupName: deps.logGroup.name,
            pattern: `{ $.message = ${JSON.stringify(CONTRACT.logMessages.initFailed)} }`,
            metricTransformation: { name: "InitFailures", namespace, value: "1", defaultValue: "0" },
        },
        { parent },
    );
    const alarm = (id: string, args: aws.cloudwatch.MetricAlarmArgs) =>
        new aws.cloudwatch.MetricAlarm(`${name}-${id}`, { ...perMinute, ...notify, ...args }, { parent });
    const alarms = [
        alarm("errors", {
            alarmDescription: `Errors of ${name} (live alias): any invocation that failed`,
            namespace: "AWS/Lambda",
            metricName: "Errors",
            dimensions: onAlias,
            statistic: "Sum",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        }),
        alarm("throttles", {
            alarmDescription: `Throttles of ${name} (live alias): requests refused for lack of concurrency`,
            namespace: "AWS/Lambda",
            metricName: "Throttles",
            dimensions: onAlias,
            statistic: "Sum",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        }),
        alarm("duration", {
            alarmDescription: `p99 duration of ${name} (live alias) at ${DURATION_ALARM_SHARE * 100}% of its ${timeout} s timeout`,
            namespace: "AWS/Lambda",
            metricName: "Duration",
            dimensions: onAlias,
            extendedStatistic: "p99",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: timeout * 1000 * DURATION_ALARM_SHARE,
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
        }),
        alarm("init-failed", {
            alarmDescription: `Failed inits of ${name}: a model that could not be fetched, verified or loaded`,
            namespace,
            metricName: "InitFailures",
            statistic: "Sum",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        }),
    ];
    return { alarms, names: alarms.map((a) => a.name) };
}
