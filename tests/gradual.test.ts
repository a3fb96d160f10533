import * as assert from "assert";
import * as path from "path";
import { InferenceFunctionArgs } from "../components";
import { dashboardBody } from "../components/dashboard";
import { ROLLOUT_SCRIPT } from "../components/deployment";
import { checkSmokeAnswer } from "../components/smokeTest";
import * as pulumi from "@pulumi/pulumi";
import {
    deploy,
    deployRecordingOptions,
    FIXTURE_MODEL,
    FIXTURE_SHA256,
    modelReadName,
    rejected,
    runFailedDeploy,
} from "./harness";
import { dependenciesOf, mocks, ofType, one, valueOf } from "./mocks";

const FN_NAME = "demo-fn-1a2b3c";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const SMOKE = '{"features": [5.1, 3.5, 1.4, 0.2]}';
const GRADUAL: InferenceFunctionArgs = { modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" };

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

describe("gradual rollout with CodeDeploy", () => {
    it("a Lambda application and a group with the configuration, rollback on failure and alarm, and the alarms", async () => {
        const fn = await deploy(GRADUAL);
        assert.deepStrictEqual(one("aws:codedeploy/application:Application").inputs, { computePlatform: "Lambda" });
        const group = one("aws:codedeploy/deploymentGroup:DeploymentGroup");
        assert.strictEqual(group.name, "demo-deploy-group");
        assert.deepStrictEqual(group.inputs, {
            appName: "demo-deploy-1a2b3c",
            deploymentGroupName: "demo-live",
            serviceRoleArn: "arn:aws:iam::123456789012:role/demo-deploy-role-1a2b3c",
            deploymentConfigName: "CodeDeployDefault.LambdaCanary10Percent5Minutes",
            deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
            autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
            alarmConfiguration: {
                enabled: true,
                alarms: [
                    "demo-errors-1a2b3c",
                    "demo-throttles-1a2b3c",
                    "demo-duration-1a2b3c",
                    "demo-init-failed-1a2b3c",
                    // The new version's own answers: a model that fails, or refuses every caller.
                    "demo-version-5xx-1a2b3c",
                    "demo-version-4xx-rate-1a2b3c",
                ],
            },
        });
        assert.strictEqual(await valueOf(fn.deploymentGroupName), "demo-live");
    });

    it("CodeDeploy's role: trusted for this account's group only, may shift this function's alias and read alarms", async () => {
        await deploy(GRADUAL);
        const role = one("aws:iam/role:Role", "demo-deploy-role");
        assert.deepStrictEqual(JSON.parse(role.inputs.assumeRolePolicy).Statement, [
            {
                Effect: "Allow",
                Principal: { Service: "codedeploy.amazonaws.com" },
                Action: "sts:AssumeRole",
                // Confused deputy: only CodeDeploy acting for this account's deployment group may assume it.
                Condition: {
                    StringEquals: { "aws:SourceAccount": "123456789012" },
                    ArnLike: {
                        "aws:SourceArn":
                            "arn:aws:codedeploy:us-east-1:123456789012:deploymentgroup:demo-deploy-1a2b3c/demo-live",
                    },
                },
            },
        ]);
        const arn = `arn:aws:lambda:us-east-1:123456789012:function:${FN_NAME}`;
        assert.deepStrictEqual(
            JSON.parse(one("aws:iam/rolePolicy:RolePolicy", "demo-deploy-role-shift-traffic").inputs.policy).Statement,
            [
                {
                    Sid: "ShiftThisFunctionsAlias",
                    Effect: "Allow",
                    Action: ["lambda:GetAlias", "lambda:UpdateAlias", "lambda:GetProvisionedConcurrencyConfig"],
                    Resource: [arn, `${arn}:*`],
                },
                { Sid: "WatchTheAlarms", Effect: "Allow", Action: ["cloudwatch:DescribeAlarms"], Resource: "*" },
            ],
        );
    });

    it("the rollout command: the compiled script without a shell, each new version its trigger, after the alarms", async () => {
        await deploy(GRADUAL);
        const rollout = one("command:local:Command", "demo-rollout");
        // node with an argument list: an install path with $(...) or spaces is never parsed by a shell.
        assert.deepStrictEqual(rollout.inputs.interpreter, ["node", ROLLOUT_SCRIPT]);
        assert.strictEqual(rollout.inputs.create, "rollout");
        assert.strictEqual(ROLLOUT_SCRIPT, path.resolve(__dirname, "..", "bin", "rollout", "main.js"));
        assert.deepStrictEqual(rollout.inputs.environment, {
            ROLLOUT_FUNCTION_ARN: `arn:aws:lambda:us-east-1:123456789012:function:${FN_NAME}`,
            ROLLOUT_ALIAS: "live",
            ROLLOUT_TARGET_VERSION: "7",
            ROLLOUT_APPLICATION: "demo-deploy-1a2b3c",
            ROLLOUT_DEPLOYMENT_GROUP: "demo-live",
            ROLLOUT_TIMEOUT_SECONDS: String((5 + 30) * 60),
            AWS_REGION: "us-east-1",
        });
        assert.deepStrictEqual(rollout.inputs.triggers, ["7"]);
        const waitsFor = dependenciesOf("command:local:Command", "demo-rollout");
        for (const dependency of [
            "aws:codedeploy/deploymentGroup:DeploymentGroup::demo-deploy-group",
            "aws:lambda/alias:Alias::demo-alias",
            "aws:cloudwatch/metricAlarm:MetricAlarm::demo-version-5xx",
            "aws:cloudwatch/metricAlarm:MetricAlarm::demo-version-4xx-rate",
        ]) {
            assert.ok(waitsFor.includes(dependency), `the rollout waits for ${dependency}`);
        }
    });

    it("Pulumi creates the alias, then leaves its version and weights to CodeDeploy", async () => {
        const options = (await deployRecordingOptions(GRADUAL)).options;
        assert.deepStrictEqual(options["demo-alias"].ignoreChanges, ["functionVersion", "routingConfig"]);
        assert.strictEqual(one("aws:lambda/alias:Alias").inputs.functionVersion, "7");
        const allAtOnce = (await deployRecordingOptions({ modelPath: FIXTURE_MODEL })).options;
        assert.strictEqual(allAtOnce["demo-alias"].ignoreChanges, undefined);
    });

    for (const strategy of ["AllAtOnce", "Canary10Percent5Minutes"]) {
        it(`${strategy}: a new model key is a new read policy, so the old one outlives the move (no lookup of live)`, async () => {
            const names = async (modelKey: string) => {
                await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: strategy, modelKey });
                return ofType("aws:iam/rolePolicy:RolePolicy")
                    .filter((p) => p.name.includes("model-read"))
                    .map((p) => [p.name, JSON.parse(p.inputs.policy).Statement[0].Resource]);
            };
            const before = await names("models/a.joblib");
            const after = await names("models/b.joblib");
            assert.deepStrictEqual(before, [
                [
                    modelReadName("<the component's bucket>", "models/a.joblib"),
                    "arn:aws:s3:::demo-models-1a2b3c/models/a.joblib",
                ],
            ]);
            assert.deepStrictEqual(after, [
                [
                    modelReadName("<the component's bucket>", "models/b.joblib"),
                    "arn:aws:s3:::demo-models-1a2b3c/models/b.joblib",
                ],
            ]);
            // Pulumi creates the new resource with the function update and deletes the old one only when
            // the deploy completes, so the version still live reads its model until then (and after a
            // rollback that failed the deploy). Nothing is read from the running function.
            assert.notStrictEqual(before[0][0], after[0][0]);
            assert.strictEqual(mocks.calls.filter((c) => c.token === "aws:lambda/getFunction:getFunction").length, 0);
            assert.ok(
                dependenciesOf("aws:lambda/function:Function", "demo-fn").includes(
                    `aws:iam/rolePolicy:RolePolicy::${after[0][0]}`,
                ),
            );
        });
    }

    it("a key known only at deploy: one read policy, replaced (new first) when the object changes", async () => {
        const { options } = await deployRecordingOptions({
            modelBucketName: "team-models",
            modelKey: pulumi.output("models/m.onnx"),
            modelSha256: "a".repeat(64),
            modelFormat: "onnx",
        });
        assert.deepStrictEqual(options["demo-role-model-read"].replaceOnChanges, ["policy"]);
        assert.strictEqual(
            (options["demo-role-model-read"] as pulumi.CustomResourceOptions).deleteBeforeReplace,
            false,
        );
        await deploy({ ...GRADUAL, modelDelivery: "image" });
        assert.strictEqual(ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.includes("model")).length, 0);
    });

    it("AllAtOnce (the default) makes no CodeDeploy resources, and no rollout command", async () => {
        await deploy();
        for (const type of [
            "aws:codedeploy/application:Application",
            "aws:codedeploy/deploymentGroup:DeploymentGroup",
        ]) {
            assert.strictEqual(ofType(type).length, 0, type);
        }
        assert.deepStrictEqual(
            ofType("command:local:Command").map((c) => c.name),
            ["demo-live-image"],
        );
    });

    for (const strategy of [
        "Canary10Percent10Minutes",
        "Canary10Percent15Minutes",
        "Canary10Percent30Minutes",
        "Linear10PercentEvery1Minute",
        "Linear10PercentEvery2Minutes",
        "Linear10PercentEvery3Minutes",
        "Linear10PercentEvery10Minutes",
    ]) {
        it(`${strategy} is CodeDeployDefault.Lambda${strategy}`, async () => {
            await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: strategy });
            assert.strictEqual(
                one("aws:codedeploy/deploymentGroup:DeploymentGroup").inputs.deploymentConfigName,
                `CodeDeployDefault.Lambda${strategy}`,
            );
        });
    }
});

describe("smoke test of each new version", () => {
    it("invokes the published version (not the alias) with the event, once per version and model", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, smokeTestEvent: SMOKE });
        assert.deepStrictEqual(one("aws:lambda/invocation:Invocation").inputs, {
            functionName: FN_NAME,
            qualifier: "7",
            input: SMOKE,
            triggers: { version: "7", sha256: FIXTURE_SHA256 },
        });
        assert.ok(
            dependenciesOf("aws:lambda/alias:Alias", "demo-alias").includes(
                "aws:lambda/invocation:Invocation::demo-smoke-test",
            ),
            "the alias moves only once the smoke test answered",
        );
    });

    it("checkSmokeAnswer: the version for a prediction carrying the model's sha256 prefix; else the answer quoted", () => {
        const ok = JSON.stringify({
            predictions: ["setosa"],
            model: { versionId: "v", sha256: FIXTURE_SHA256.slice(0, 12) },
        });
        assert.strictEqual(checkSmokeAnswer(ok, FIXTURE_SHA256, "7"), "7");
        const viaUrl = JSON.stringify({ statusCode: 200, body: ok });
        assert.strictEqual(checkSmokeAnswer(viaUrl, FIXTURE_SHA256, "7"), "7");
        // A model served through the inference protocol only answers its sample in the protocol's shape.
        const tensors = JSON.stringify({
            model_name: "demo",
            model_version: "v",
            parameters: { model_sha256: FIXTURE_SHA256.slice(0, 12) },
            outputs: [{ name: "y", datatype: "FP32", shape: [1], data: [0.5] }],
        });
        assert.strictEqual(checkSmokeAnswer(tensors, FIXTURE_SHA256, "7"), "7");
        const cases: [string, string][] = [
            [
                JSON.stringify({ outputs: [], parameters: { model_sha256: "000000000000" } }),
                'it served model "000000000000", not the deployed 39305563f127',
            ],
            [
                JSON.stringify({ status: 400, error: "input 'k' (INT64 [-1, 1]) is missing", code: "missing_input" }),
                "not a prediction",
            ],
            [
                JSON.stringify({ predictions: [1], model: { sha256: "000000000000" } }),
                'it served model "000000000000", not the deployed 39305563f127',
            ],
            [JSON.stringify({ status: 400, error: "wrong_feature_count", message: "..." }), "not a prediction"],
            [JSON.stringify({ statusCode: 500, body: "{}" }), "status 500"],
            ["Task timed out", "not a JSON answer"],
        ];
        for (const [answer, why] of cases) {
            assert.throws(
                () => checkSmokeAnswer(answer, FIXTURE_SHA256, "7"),
                new Error(
                    `smoke test of version 7 failed: ${why}; the answer was ${answer}; no traffic was moved to it`,
                ),
            );
        }
    });

    for (const [scenario, withheld] of [
        ["smoke", "aws:lambda/alias:Alias"],
        ["smoke-gradual", "command:local:Command"],
    ] as const) {
        it(`a failing answer fails the deploy before ${scenario === "smoke" ? "the alias moves" : "the rollout starts"}`, function () {
            this.timeout(60_000);
            const report = runFailedDeploy(scenario);
            assert.match(
                String(report.error),
                /smoke test of version 7 failed: not a prediction; the answer was \{"status":500,"error":"internal_error"/,
            );
            assert.strictEqual(report.registered["aws:lambda/invocation:Invocation"], 1);
            assert.strictEqual(report.registered[withheld], 0, `${withheld} never registered`);
        });
    }
});

describe("provisioned concurrency that scales", () => {
    it("a scaling target on the alias from provisionedConcurrency to the max, tracking utilisation", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, provisionedConcurrency: 2, provisionedConcurrencyMax: 10 });
        assert.deepStrictEqual(one("aws:appautoscaling/target:Target").inputs, {
            serviceNamespace: "lambda",
            scalableDimension: "lambda:function:ProvisionedConcurrency",
            resourceId: `function:${FN_NAME}:live`,
            minCapacity: 2,
            maxCapacity: 10,
        });
        assert.deepStrictEqual(one("aws:appautoscaling/policy:Policy").inputs, {
            policyType: "TargetTrackingScaling",
            serviceNamespace: "lambda",
            scalableDimension: "lambda:function:ProvisionedConcurrency",
            resourceId: `function:${FN_NAME}:live`,
            targetTrackingScalingPolicyConfiguration: {
                targetValue: 0.7,
                predefinedMetricSpecification: { predefinedMetricType: "LambdaProvisionedConcurrencyUtilization" },
            },
        });
        await deploy({
            modelPath: FIXTURE_MODEL,
            provisionedConcurrency: 2,
            provisionedConcurrencyMax: 10,
            provisionedConcurrencyTargetUtilization: 0.5,
        });
        assert.strictEqual(
            one("aws:appautoscaling/policy:Policy").inputs.targetTrackingScalingPolicyConfiguration.targetValue,
            0.5,
        );
    });

    it("no scaling without a max", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, provisionedConcurrency: 2 });
        assert.strictEqual(ofType("aws:appautoscaling/target:Target").length, 0);
    });
});

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
            "Rows scored per minute, per version and per model (sha256)",
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

describe("images outlive their builds", () => {
    it("a replaced build keeps its pushed image (versions still run it); the lifecycle policy expires old ones", async () => {
        const options = (await deployRecordingOptions({ modelPath: FIXTURE_MODEL })).options;
        assert.strictEqual(options["demo-image"].retainOnDelete, true);
    });
});

describe("bad rollout settings", () => {
    it("are all refused at once, registering nothing", async () => {
        const e = await rejected({
            modelPath: FIXTURE_MODEL,
            deploymentStrategy: "Canary50Percent",
            alarmActions: ["oncall"],
            smokeTestEvent: "[1, 2]",
            provisionedConcurrencyMax: 4,
            provisionedConcurrencyTargetUtilization: 0.95,
        });
        assert.deepStrictEqual(
            e.errors.map((p) => p.propertyPath),
            [
                "deploymentStrategy",
                "alarmActions[0]",
                "smokeTestEvent",
                "provisionedConcurrencyTargetUtilization",
                "provisionedConcurrencyMax",
            ],
        );
        assert.match(
            e.errors[0].reason,
            /^must be one of "AllAtOnce", "Canary10Percent5Minutes", .*"Linear10PercentEvery10Minutes"; got "Canary50Percent"$/,
        );
        assert.deepStrictEqual(e.errors.slice(1), [
            { propertyPath: "alarmActions[0]", reason: 'must be an ARN; got "oncall"' },
            {
                propertyPath: "smokeTestEvent",
                reason: 'must be a JSON object the function accepts, such as {"features": [...]}; got "[1, 2]"',
            },
            {
                propertyPath: "provisionedConcurrencyTargetUtilization",
                reason: "must be a number from 0.1 to 0.9; got 0.95",
            },
            {
                propertyPath: "provisionedConcurrencyMax",
                reason: "needs provisionedConcurrency, the lower bound autoscaling starts from",
            },
        ]);
    });

    it("a gradual strategy needs its alarms and an image to roll back to", async () => {
        const e = await rejected({ ...GRADUAL, enableAlarms: false, keepImages: 1 });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "enableAlarms",
                reason: 'must be true with deploymentStrategy "Canary10Percent5Minutes": CodeDeploy rolls back on the component\'s alarms',
            },
            {
                propertyPath: "keepImages",
                reason: "must be at least 2 with a gradual deploymentStrategy: the old version keeps serving (and may be rolled back to) until the shift completes; got 1",
            },
        ]);
    });

    it("scaling bounds that cannot work, and a utilisation target without scaling", async () => {
        let e = await rejected({ modelPath: FIXTURE_MODEL, provisionedConcurrency: 5, provisionedConcurrencyMax: 5 });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "provisionedConcurrencyMax",
                reason: "must be greater than provisionedConcurrency (5); got 5",
            },
        ]);
        e = await rejected({
            modelPath: FIXTURE_MODEL,
            reservedConcurrency: 8,
            provisionedConcurrency: 2,
            provisionedConcurrencyMax: 9,
        });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "provisionedConcurrencyMax", reason: "must not exceed reservedConcurrency (8); got 9" },
        ]);
        e = await rejected({
            modelPath: FIXTURE_MODEL,
            provisionedConcurrency: 2,
            provisionedConcurrencyTargetUtilization: 0.5,
        });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "provisionedConcurrencyTargetUtilization",
                reason: "is used only with provisionedConcurrencyMax (the utilisation autoscaling tracks)",
            },
        ]);
    });
});
