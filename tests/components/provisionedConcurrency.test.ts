import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import { ofType, one } from "../mocks";

const FN_NAME = "demo-fn-1a2b3c";

const FN = "aws:lambda/function:Function";

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

describe("optional pieces", () => {
    it("provisioned concurrency: publishes versions, alias live, the config on the alias, URL on the alias", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, provisionedConcurrency: 2, enableFunctionUrl: true });
        assert.strictEqual(one(FN).inputs.publish, true);
        assert.deepStrictEqual(one("aws:lambda/alias:Alias").inputs, {
            name: "live",
            functionName: "demo-fn-1a2b3c",
            functionVersion: "7",
        });
        const pc = one("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
        assert.strictEqual(pc.name, "demo-provisioned");
        assert.deepStrictEqual(pc.inputs, {
            functionName: "demo-fn-1a2b3c",
            qualifier: "live",
            provisionedConcurrentExecutions: 2,
        });
        assert.strictEqual(one("aws:lambda/functionUrl:FunctionUrl").inputs.qualifier, "live");
    });
});
