import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT } from "./contract";
import { CLIENT_ERROR_MIN_REQUESTS, DURATION_ALARM_SHARE, LIVE_ALIAS, METRIC_NAMESPACE } from "./defaults";
import { AlarmSettings, BuildContext } from "./resolved";

export interface FunctionAlarms {
    alarms: aws.cloudwatch.MetricAlarm[];
    /** What CodeDeploy watches during a gradual rollout: every alarm, the new version's own included. */
    names: pulumi.Output<string>[];
}

/** The init-failure metric of one function: its own namespace, from its (unique) log group name. */
export function initFailureNamespace(logGroupName: string): string {
    return `${METRIC_NAMESPACE}${logGroupName}`;
}

const METRIC = CONTRACT.metrics.dimensions;

/**
 * Alarms on the `live` alias (so they judge what callers get, including a
 * canary's share): any error, any throttle, p99 duration at 80% of the
 * timeout for three minutes, and any failed init, counted by a metric filter
 * on the app's `{"message": "init failed"}` log line. And on the version this
 * deploy published, from the metrics the app writes with each answer: Lambda
 * counts only unhandled exceptions as errors, and the app answers every
 * request, so a model that fails (500) or refuses every caller (400) would
 * pass the alias alarms.
 */
export function createAlarms(
    name: string,
    settings: AlarmSettings,
    timeout: number,
    deps: {
        fn: aws.lambda.Function;
        logGroup: aws.cloudwatch.LogGroup;
        /** The version this deploy published: the one a rollout moves traffic to. */
        version: pulumi.Output<string>;
        metricsNamespace: string;
    },
    { parent, tags }: BuildContext,
): FunctionAlarms {
    const onAlias = { FunctionName: deps.fn.name, Resource: pulumi.interpolate`${deps.fn.name}:${LIVE_ALIAS}` };
    const notify = { alarmActions: settings.actions, okActions: settings.actions, tags };
    const perMinute = { evaluationPeriods: 1, datapointsToAlarm: 1, treatMissingData: "notBreaching" };
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
    // A metric-math alarm takes its period from its queries; CloudWatch refuses one at the top.
    const alarm = (id: string, args: aws.cloudwatch.MetricAlarmArgs) =>
        new aws.cloudwatch.MetricAlarm(
            `${name}-${id}`,
            { ...perMinute, ...(args.metricQueries ? {} : { period: 60 }), ...notify, ...args },
            { parent },
        );
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
        ...versionAlarms(name, settings, deps, alarm),
    ];
    return { alarms, names: alarms.map((a) => a.name) };
}

/**
 * The new version's answers: any 5xx in a minute, and a 4xx share at or above
 * `maxClientErrorRate` in a minute of at least CLIENT_ERROR_MIN_REQUESTS
 * requests. Each request writes Status4xx as 0 or 1, so its average is the 4xx
 * share and its sample count the number of requests.
 */
function versionAlarms(
    name: string,
    settings: AlarmSettings,
    deps: { fn: aws.lambda.Function; version: pulumi.Output<string>; metricsNamespace: string },
    alarm: (id: string, args: aws.cloudwatch.MetricAlarmArgs) => aws.cloudwatch.MetricAlarm,
): aws.cloudwatch.MetricAlarm[] {
    const onVersion = { [METRIC.function]: deps.fn.name, [METRIC.version]: deps.version };
    const status4xx = (id: string, stat: string) => ({
        id,
        metric: { namespace: deps.metricsNamespace, metricName: "Status4xx", dimensions: onVersion, period: 60, stat },
    });
    return [
        alarm("version-5xx", {
            alarmDescription: pulumi.interpolate`Server errors (5xx) answered by version ${deps.version} of ${name}: the model failed`,
            namespace: deps.metricsNamespace,
            metricName: "Status5xx",
            dimensions: onVersion,
            statistic: "Sum",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        }),
        alarm("version-4xx-rate", {
            alarmDescription: pulumi.interpolate`Client errors (4xx) in at least ${settings.maxClientErrorRate * 100}% of the answers of version ${deps.version} of ${name}: the model refuses what callers send`,
            metricQueries: [
                status4xx("share", "Average"),
                status4xx("requests", "SampleCount"),
                {
                    id: "judged",
                    expression: `IF(requests >= ${CLIENT_ERROR_MIN_REQUESTS}, share, 0)`,
                    label: "4xx share (minutes with enough requests)",
                    returnData: true,
                },
            ],
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: settings.maxClientErrorRate,
        }),
    ];
}

/**
 * The queue's health, when queued inference is on: any message in the dead-letter queue (one that kept
 * failing, listed by its id in the function's "message failed" lines), and a backlog whose oldest message
 * has waited longer than it takes to be answered or dead-lettered (its visibility timeout times its
 * deliveries). Not among the rollout's alarms: a backlog is the queue's, not a version's.
 */
export function createQueueAlarms(
    name: string,
    settings: AlarmSettings,
    queues: { queue: aws.sqs.Queue; deadLetter: aws.sqs.Queue },
    async: { visibilityTimeoutSeconds: number; maxReceiveCount: number },
    { parent, tags }: BuildContext,
): aws.cloudwatch.MetricAlarm[] {
    const notify = { alarmActions: settings.actions, okActions: settings.actions, tags };
    const sqs = { namespace: "AWS/SQS", period: 300, evaluationPeriods: 1, treatMissingData: "notBreaching" };
    const oldest = async.visibilityTimeoutSeconds * async.maxReceiveCount;
    return [
        new aws.cloudwatch.MetricAlarm(
            `${name}-dlq-depth`,
            {
                ...sqs,
                ...notify,
                alarmDescription: `Messages of ${name}'s queue that kept failing wait in its dead-letter queue`,
                metricName: "ApproximateNumberOfMessagesVisible",
                dimensions: { QueueName: queues.deadLetter.name },
                statistic: "Maximum",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
            },
            { parent },
        ),
        new aws.cloudwatch.MetricAlarm(
            `${name}-queue-age`,
            {
                ...sqs,
                ...notify,
                alarmDescription: `The oldest message of ${name}'s queue has waited over ${oldest} s (its visibility timeout times its deliveries): the queue is not keeping up`,
                metricName: "ApproximateAgeOfOldestMessage",
                dimensions: { QueueName: queues.queue.name },
                statistic: "Maximum",
                comparisonOperator: "GreaterThanThreshold",
                threshold: oldest,
            },
            { parent },
        ),
    ];
}
