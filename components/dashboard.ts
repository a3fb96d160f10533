import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { CONTRACT } from "./contract";
import { LIVE_ALIAS } from "./defaults";

const CONTRACT_DEFAULT_NAMESPACE = CONTRACT.settings.metricsNamespace.default;
import { BuildContext } from "./resolved";

/**
 * A CloudWatch SEARCH of one of the app's metrics (Embedded Metric Format, in `namespace`) for this function,
 * one line per value of `dimension`: per version, per model sha256, or per model name (many models).
 */
/** The dimensions a dashboard line is drawn per (the metrics' own, contract.json). */
type Dimension = "Version" | "ModelSha256" | "ModelName";

export function searchOf(
    namespace: string,
    functionName: string,
    metric: string,
    stat: string,
    dimension: Dimension = "Version",
): string {
    const ns = JSON.stringify(namespace);
    return `SEARCH('{${ns},FunctionName,${dimension}} MetricName="${metric}" FunctionName="${functionName}"', '${stat}', 60)`;
}

/** The app's own metrics, per version: what the model spends, what it scores, how it answers. */
function modelWidgets(namespace: string, functionName: string, region: string): object[] {
    const search = (metric: string, stat: string, dimension?: Dimension) =>
        searchOf(namespace, functionName, metric, stat, dimension);
    const widget = (title: string, y: number, x: number, expressions: [string, string][]) => ({
        type: "metric",
        x,
        y,
        width: 12,
        height: 6,
        properties: {
            title,
            region,
            period: 60,
            view: "timeSeries",
            metrics: expressions.map(([expression, label], i) => [{ expression, label, id: `e${y}${x}${i}` }]),
        },
    });
    const latency = ["p50", "p90", "p99"].flatMap((p): [string, string][] => [
        [search("ModelLatency", p), `model ${p}`],
        [search("RequestLatency", p), `request ${p}`],
    ]);
    return [
        widget("Model latency against request latency, ms, per version", 12, 0, latency),
        widget("Rows scored per minute, per version and per model", 12, 12, [
            [search("Rows", "Sum"), "rows"],
            [search("Rows", "Sum", "ModelSha256"), "rows by model"],
            // A function with many models counts each by its name.
            [search("Rows", "Sum", "ModelName"), "rows by model name"],
            [search("ModelLatency", "p90", "ModelName"), "model p90 by model name"],
        ]),
        widget("Answers by status class, per version", 18, 0, [
            [search("Status2xx", "Sum"), "2xx"],
            [search("Status4xx", "Sum"), "4xx"],
            [search("Status5xx", "Sum"), "5xx"],
        ]),
        widget("Cold starts, per version", 18, 12, [[search("ColdStart", "Sum"), "cold starts"]]),
    ];
}

/** The dashboard body: the function's health on one page. Pure, so its widgets are tested directly. */
export function dashboardBody(
    functionName: string,
    logGroupName: string,
    region: string,
    namespace: string = CONTRACT_DEFAULT_NAMESPACE,
): string {
    const alias = ["FunctionName", functionName, "Resource", `${functionName}:${LIVE_ALIAS}`];
    const metric = (title: string, metrics: unknown[][], y: number, x: number, stat = "Sum") => ({
        type: "metric",
        x,
        y,
        width: 12,
        height: 6,
        properties: { title, region, stat, period: 60, view: "timeSeries", metrics },
    });
    return JSON.stringify({
        widgets: [
            metric(
                "Invocations, errors, throttles (live)",
                [
                    ["AWS/Lambda", "Invocations", ...alias],
                    ["AWS/Lambda", "Errors", ...alias],
                    ["AWS/Lambda", "Throttles", ...alias],
                ],
                0,
                0,
            ),
            metric(
                "Duration p50 / p99 (live)",
                [
                    ["AWS/Lambda", "Duration", ...alias, { stat: "p50" }],
                    ["AWS/Lambda", "Duration", ...alias, { stat: "p99" }],
                ],
                0,
                12,
                "p50",
            ),
            metric(
                "Concurrency and provisioned-concurrency utilisation",
                [
                    ["AWS/Lambda", "ConcurrentExecutions", "FunctionName", functionName, { stat: "Maximum" }],
                    ["AWS/Lambda", "ProvisionedConcurrencyUtilization", ...alias, { stat: "Maximum" }],
                ],
                6,
                0,
                "Maximum",
            ),
            {
                // Lambda reports init duration only in its REPORT log lines.
                type: "log",
                x: 12,
                y: 6,
                width: 12,
                height: 6,
                properties: {
                    title: "Init duration (cold starts), ms",
                    region,
                    view: "timeSeries",
                    query: `SOURCE '${logGroupName}' | filter ispresent(@initDuration) | stats avg(@initDuration) as average, max(@initDuration) as slowest by bin(5m)`,
                },
            },
            ...modelWidgets(namespace, functionName, region),
        ],
    });
}

/** A CloudWatch dashboard of the function; returns its console URL. */
export function createDashboard(
    name: string,
    deps: { fn: aws.lambda.Function; logGroup: aws.cloudwatch.LogGroup; account: Account; metricsNamespace: string },
    { parent }: BuildContext,
): pulumi.Output<string> {
    // Dashboard names are not auto-named: the stack and component make it unique in the account.
    const dashboardName = `${pulumi.getProject()}-${pulumi.getStack()}-${name}`
        .replace(/[^A-Za-z0-9_-]/g, "-")
        .slice(0, 255);
    const dashboard = new aws.cloudwatch.Dashboard(
        `${name}-dashboard`,
        {
            dashboardName,
            dashboardBody: pulumi
                .all([deps.fn.name, deps.logGroup.name, deps.account.region])
                .apply(([fn, logs, region]) => dashboardBody(fn, logs, region, deps.metricsNamespace)),
        },
        { parent },
    );
    return pulumi.interpolate`https://${deps.account.region}.console.aws.amazon.com/cloudwatch/home?region=${deps.account.region}#dashboards:name=${dashboard.dashboardName}`;
}
