import * as assert from "assert";
import * as path from "path";
import { InferenceFunctionArgs } from "../../components";
import { ROLLOUT_SCRIPT } from "../../components/deployment";
import * as pulumi from "@pulumi/pulumi";
import { deploy, deployRecordingOptions, FIXTURE_MODEL, modelReadName } from "../harness";
import { dependenciesOf, mocks, ofType, one, valueOf } from "../mocks";

const FN_NAME = "demo-fn-1a2b3c";
const GRADUAL: InferenceFunctionArgs = { modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" };

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
        assert.strictEqual(
            ROLLOUT_SCRIPT,
            path.resolve(__dirname, "..", "..", "bin", "components", "rollout", "main.js"),
        );
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
