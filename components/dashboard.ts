import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { LIVE_ALIAS } from "./defaults";
import { BuildContext } from "./resolved";

/** The dashboard body: the function's health on one page. Pure, so its widgets are tested directly. */
export function dashboardBody(functionName: string, logGroupName: string, region: string): string {
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
        ],
    });
}

/** A CloudWatch dashboard of the function; returns its console URL. */
export function createDashboard(
    name: string,
    deps: { fn: aws.lambda.Function; logGroup: aws.cloudwatch.LogGroup; account: Account },
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
                .apply(([fn, logs, region]) => dashboardBody(fn, logs, region)),
        },
        { parent },
    );
    return pulumi.interpolate`https://${deps.account.region}.console.aws.amazon.com/cloudwatch/home?region=${deps.account.region}#dashboards:name=${dashboard.dashboardName}`;
}
