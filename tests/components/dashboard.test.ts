import * as assert from "assert";
import { dashboardBody } from "../../components/dashboard";
import { deploy, FIXTURE_MODEL } from "../harness";
import { one, valueOf } from "../mocks";

const FN_NAME = "demo-fn-1a2b3c";

describe("dashboard (off by default)", () => {
    it("one dashboard named after the stack and component, with its console URL as an output", async () => {
        const fn = await deploy({ modelPath: FIXTURE_MODEL, enableDashboard: true });
        const dashboard = one("aws:cloudwatch/dashboard:Dashboard");
        assert.strictEqual(dashboard.inputs.dashboardName, "lambda-inference-test-demo");
        assert.strictEqual(
            dashboard.inputs.dashboardBody,
            dashboardBody(FN_NAME, "/aws/lambda/demo-0001", "us-east-1"),
        );
        assert.strictEqual(
            await valueOf(fn.dashboardUrl),
            "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=lambda-inference-test-demo",
        );
    });

    it("dashboardBody: invocations, errors, throttles, duration p50/p99, init duration, concurrency, PC utilisation", () => {
        const widgets = JSON.parse(dashboardBody("f", "/aws/lambda/f", "eu-west-1")).widgets;
        const metrics = widgets.flatMap((w: any) =>
            (w.properties.metrics ?? []).filter((m: any[]) => typeof m[0] === "string").map((m: any[]) => m[1]),
        );
        assert.deepStrictEqual(metrics, [
            "Invocations",
            "Errors",
            "Throttles",
            "Duration",
            "Duration",
            "ConcurrentExecutions",
            "ProvisionedConcurrencyUtilization",
        ]);
        assert.deepStrictEqual(
            widgets[1].properties.metrics.map((m: any[]) => m[m.length - 1].stat),
            ["p50", "p99"],
        );
        assert.match(widgets[3].properties.query, /^SOURCE '\/aws\/lambda\/f' \| filter ispresent\(@initDuration\)/);
        assert.ok(widgets.every((w: any) => w.properties.region === "eu-west-1"));
    });

    it("dashboardBody: the app's own metrics per version, from its namespace: model against request latency", () => {
        const widgets = JSON.parse(dashboardBody("f", "/aws/lambda/f", "eu-west-1", "Team/ML#1")).widgets;
        const titles = widgets.slice(4).map((w: any) => w.properties.title);
        assert.deepStrictEqual(titles, [
            "Model latency against request latency, ms, per version",
            "Rows scored per minute, per version and per model",
            "Answers by status class, per version",
            "Cold starts, per version",
        ]);
        const latency = widgets[4].properties.metrics.map((m: any[]) => m[0]);
        assert.deepStrictEqual(
            latency.map((e: any) => e.label),
            ["model p50", "request p50", "model p90", "request p90", "model p99", "request p99"],
        );
        assert.strictEqual(
            latency[5].expression,
            `SEARCH('{"Team/ML#1",FunctionName,Version} MetricName="RequestLatency" FunctionName="f"', 'p99', 60)`,
        );
        assert.strictEqual(
            widgets[5].properties.metrics[1][0].expression,
            `SEARCH('{"Team/ML#1",FunctionName,ModelSha256} MetricName="Rows" FunctionName="f"', 'Sum', 60)`,
        );
        // A function with many models: each model by its name.
        assert.strictEqual(
            widgets[5].properties.metrics[2][0].expression,
            `SEARCH('{"Team/ML#1",FunctionName,ModelName} MetricName="Rows" FunctionName="f"', 'Sum', 60)`,
        );
        const ids = widgets.flatMap((w: any) =>
            (w.properties.metrics ?? []).map((m: any[]) => m[0].id).filter(Boolean),
        );
        assert.strictEqual(new Set(ids).size, ids.length, "expression ids are unique");
        assert.deepStrictEqual(
            widgets[6].properties.metrics.map((m: any[]) => m[0].expression.match(/MetricName="(\w+)"/)[1]),
            ["Status2xx", "Status4xx", "Status5xx"],
        );
    });
});
