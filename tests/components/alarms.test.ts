import * as assert from "assert";
import * as path from "path";
import { deploy, FIXTURE_MODEL } from "../harness";
import { ofType, one } from "../mocks";
import { spawnSync } from "child_process";
import * as fs from "fs";
import { datapointsOf, evaluate, wouldAlarm } from "../alarmEvaluator";

const FN_NAME = "demo-fn-1a2b3c";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

const ROOT = path.resolve(__dirname, "..", "..");

/** What the real handler writes for `count` requests of one kind (tests/fixtures/answers.py). */
function answers(kind: "ok" | "fails" | "refuses", count: number): string[] {
    const model = path.join(ROOT, "app", "model", "model.onnx");
    const sha256 = JSON.parse(fs.readFileSync(path.join(ROOT, "app", "model", "model.json"), "utf8")).sha256;
    const run = spawnSync(
        path.join(ROOT, ".venv", "bin", "python"),
        [path.join(__dirname, "..", "fixtures", "answers.py"), kind, String(count), FN_NAME, "7"],
        { encoding: "utf8", env: { PATH: process.env.PATH, MODEL_PATH: model, MODEL_SHA256: sha256 }, timeout: 60_000 },
    );
    assert.strictEqual(run.status, 0, run.stderr);
    return run.stdout.split("\n");
}

/** The alarms (by their deployed names) that the lines would set off. */
function firing(lines: string[]): string[] {
    const points = datapointsOf(lines);
    return ofType(ALARM)
        .filter((a) => wouldAlarm(a.inputs, points))
        .map((a) => `${a.name}-1a2b3c`)
        .sort();
}

describe("alarms (on by default)", () => {
    it("errors, throttles, p99 duration near the timeout and failed inits, on the live alias", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            timeout: 20,
            alarmActions: ["arn:aws:sns:us-east-1:123456789012:oncall"],
        });
        const onAlias = { FunctionName: FN_NAME, Resource: `${FN_NAME}:live` };
        const actions = ["arn:aws:sns:us-east-1:123456789012:oncall"];
        const common = { period: 60, treatMissingData: "notBreaching", alarmActions: actions, okActions: actions };
        const alarms = Object.fromEntries(ofType(ALARM).map((a) => [a.name, a.inputs]));
        // Registration order follows the inputs each waits for; the set is what matters.
        assert.deepStrictEqual(Object.keys(alarms).sort(), [
            "demo-duration",
            "demo-errors",
            "demo-init-failed",
            "demo-throttles",
            "demo-version-4xx-rate",
            "demo-version-5xx",
        ]);
        const pick = (a: any) => ({
            namespace: a.namespace,
            metricName: a.metricName,
            dimensions: a.dimensions,
            statistic: a.statistic,
            extendedStatistic: a.extendedStatistic,
            comparisonOperator: a.comparisonOperator,
            threshold: a.threshold,
            evaluationPeriods: a.evaluationPeriods,
            datapointsToAlarm: a.datapointsToAlarm,
            period: a.period,
            treatMissingData: a.treatMissingData,
            alarmActions: a.alarmActions,
            okActions: a.okActions,
        });
        const expected = (metric: object) => ({ ...common, evaluationPeriods: 1, datapointsToAlarm: 1, ...metric });
        assert.deepStrictEqual(pick(alarms["demo-errors"]), {
            ...expected({ namespace: "AWS/Lambda", metricName: "Errors", dimensions: onAlias, statistic: "Sum" }),
            extendedStatistic: undefined,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        });
        assert.deepStrictEqual(pick(alarms["demo-throttles"]), {
            ...expected({ namespace: "AWS/Lambda", metricName: "Throttles", dimensions: onAlias, statistic: "Sum" }),
            extendedStatistic: undefined,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        });
        assert.deepStrictEqual(pick(alarms["demo-duration"]), {
            ...common,
            namespace: "AWS/Lambda",
            metricName: "Duration",
            dimensions: onAlias,
            statistic: undefined,
            extendedStatistic: "p99",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 16000, // 80% of the 20 s timeout, in ms
            evaluationPeriods: 3,
            datapointsToAlarm: 3,
        });
        const namespace = "LambdaInference/aws/lambda/demo-0001";
        assert.deepStrictEqual(pick(alarms["demo-init-failed"]), {
            ...expected({ namespace, metricName: "InitFailures", dimensions: undefined, statistic: "Sum" }),
            extendedStatistic: undefined,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: 1,
        });
        assert.deepStrictEqual(one("aws:cloudwatch/logMetricFilter:LogMetricFilter").inputs, {
            logGroupName: "/aws/lambda/demo-0001",
            pattern: '{ $.message = "init failed" }',
            metricTransformation: { name: "InitFailures", namespace, value: "1", defaultValue: "0" },
        });
    });

    it("can be turned off with the default AllAtOnce strategy", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, enableAlarms: false });
        assert.strictEqual(ofType(ALARM).length + ofType("aws:cloudwatch/logMetricFilter:LogMetricFilter").length, 0);
    });
});

describe("alarms on the new version's own answers (drills with the real handler's metrics)", function () {
    this.timeout(60_000);

    it("judge the version this deploy published, from the metrics the app writes", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, alarmActions: ["arn:aws:sns:us-east-1:123456789012:oncall"] });
        const onVersion = { FunctionName: FN_NAME, Version: "7" };
        const fivexx = one(ALARM, "demo-version-5xx").inputs;
        assert.deepStrictEqual(
            {
                namespace: fivexx.namespace,
                metricName: fivexx.metricName,
                dimensions: fivexx.dimensions,
                statistic: fivexx.statistic,
                comparisonOperator: fivexx.comparisonOperator,
                threshold: fivexx.threshold,
                period: fivexx.period,
            },
            {
                namespace: "LambdaInference",
                metricName: "Status5xx",
                dimensions: onVersion,
                statistic: "Sum",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                period: 60,
            },
        );
        const rate = one(ALARM, "demo-version-4xx-rate").inputs;
        assert.strictEqual("period" in rate, false, "a metric-math alarm takes its period from its queries");
        assert.strictEqual(rate.threshold, 0.5);
        assert.deepStrictEqual(rate.metricQueries, [
            {
                id: "share",
                metric: {
                    namespace: "LambdaInference",
                    metricName: "Status4xx",
                    dimensions: onVersion,
                    period: 60,
                    stat: "Average",
                },
            },
            {
                id: "requests",
                metric: {
                    namespace: "LambdaInference",
                    metricName: "Status4xx",
                    dimensions: onVersion,
                    period: 60,
                    stat: "SampleCount",
                },
            },
            {
                id: "judged",
                expression: "IF(requests >= 10, share, 0)",
                label: "4xx share (minutes with enough requests)",
                returnData: true,
            },
        ]);
        assert.deepStrictEqual(rate.alarmActions, ["arn:aws:sns:us-east-1:123456789012:oncall"]);
    });

    it("takes the namespace and the 4xx share from the arguments", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, metricsNamespace: "Team/Models", maxClientErrorRate: 0.2 });
        assert.strictEqual(one(ALARM, "demo-version-5xx").inputs.namespace, "Team/Models");
        const rate = one(ALARM, "demo-version-4xx-rate").inputs;
        assert.strictEqual(rate.threshold, 0.2);
        assert.strictEqual(rate.metricQueries[0].metric.namespace, "Team/Models");
        assert.strictEqual(
            one("aws:lambda/function:Function").inputs.environment.variables.METRICS_NAMESPACE,
            "Team/Models",
        );
    });

    it("a version whose every answer is a 500 trips its 5xx alarm, which the deployment group rolls back on", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" });
        const listed = one("aws:codedeploy/deploymentGroup:DeploymentGroup").inputs.alarmConfiguration.alarms;
        const fired = firing(answers("fails", 20));
        assert.deepStrictEqual(fired, ["demo-version-5xx-1a2b3c"]);
        assert.ok(listed.includes(fired[0]));
        // Lambda's own Errors metric never moves: the handler answered every request.
        assert.ok(!fired.includes("demo-errors-1a2b3c"));
    });

    it("a version whose every answer is a 400 trips its 4xx-share alarm, which the deployment group rolls back on", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" });
        const listed = one("aws:codedeploy/deploymentGroup:DeploymentGroup").inputs.alarmConfiguration.alarms;
        const fired = firing(answers("refuses", 30));
        assert.deepStrictEqual(fired, ["demo-version-4xx-rate-1a2b3c"]);
        assert.ok(listed.includes(fired[0]));
    });

    it("healthy answers, and a few refusals in a quiet minute, trip nothing", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" });
        assert.deepStrictEqual(firing(answers("ok", 30)), []);
        assert.deepStrictEqual(firing(answers("refuses", 5)), [], "fewer than 10 requests are not judged");
    });

    it("evaluates metric math as CloudWatch does, for the expressions the alarms use", () => {
        assert.strictEqual(evaluate("IF(requests >= 10, share, 0)", { requests: 12, share: 0.75 }), 0.75);
        assert.strictEqual(evaluate("IF(requests >= 10, share, 0)", { requests: 9, share: 1 }), 0);
        assert.strictEqual(evaluate("a / (b + c) * 2", { a: 3, b: 1, c: 2 }), 2);
        assert.throws(() => evaluate("IF(x, 1, 0)", {}), /unknown x/);
    });
});
