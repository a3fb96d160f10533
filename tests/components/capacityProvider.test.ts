import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import { dependenciesOf, ofType, one, valueOf } from "../mocks";

const FN = "aws:lambda/function:Function";
const PROVIDER = "aws:lambda/capacityProvider:CapacityProvider";
const EXISTING = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:shared-inference";
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

const managed = { modelPath: FIXTURE_MODEL, computeType: "managedInstances", pythonVersion: "3.13" };
const network = { subnetIds: ["subnet-a", "subnet-b", "subnet-c"], securityGroupIds: ["sg-1"] };

describe("computeType managedInstances (Lambda Managed Instances)", () => {
    it("runs on an existing capacity provider, 2 GB by default, with the environments sized as asked", async () => {
        const fn = await deploy({
            ...managed,
            capacityProviderArn: EXISTING,
            maxConcurrencyPerEnvironment: 8,
            memoryGiBPerVcpu: 4,
        });
        const inputs = one(FN).inputs;
        assert.deepStrictEqual(inputs.capacityProviderConfig, {
            lambdaManagedInstancesCapacityProviderConfig: {
                capacityProviderArn: EXISTING,
                perExecutionEnvironmentMaxConcurrency: 8,
                executionEnvironmentMemoryGibPerVcpu: 4,
            },
        });
        assert.strictEqual(inputs.memorySize, 2048);
        // Numbered versions and the live alias, as on Lambda's own fleet.
        assert.strictEqual(inputs.publish, true);
        assert.strictEqual(inputs.publishTo, undefined);
        assert.strictEqual(one("aws:lambda/alias:Alias").inputs.functionVersion, "7");
        assert.strictEqual(ofType(PROVIDER).length, 0);
        assert.strictEqual(await valueOf(fn.capacityProviderArn), EXISTING);
        // The Python 3.13 base, by tag, since the Dockerfile's own base is 3.12's.
        assert.deepStrictEqual(one("docker-build:index:Image").inputs.buildArgs, {
            BASE_IMAGE: "public.ecr.aws/lambda/python:3.13",
        });
    });

    it("creates a capacity provider with its operator role, on the function's architecture", async () => {
        const fn = await deploy({
            ...managed,
            architecture: "arm64",
            memorySize: 32768,
            kmsKeyArn: KEY,
            capacityProvider: {
                ...network,
                allowedInstanceTypes: ["c7g.xlarge", "m7g.xlarge"],
                maxVcpuCount: 64,
                targetCpuUtilization: 50,
            },
        });
        const provider = one(PROVIDER, "demo-capacity").inputs;
        assert.deepStrictEqual(provider.vpcConfig, network);
        assert.deepStrictEqual(provider.instanceRequirements, [
            { architectures: ["arm64"], allowedInstanceTypes: ["c7g.xlarge", "m7g.xlarge"], excludedInstanceTypes: [] },
        ]);
        assert.deepStrictEqual(provider.capacityProviderScalingConfigs, [
            {
                maxVcpuCount: 64,
                scalingMode: "Manual",
                scalingPolicies: [
                    { predefinedMetricType: "LambdaCapacityProviderAverageCPUUtilization", targetValue: 50 },
                ],
            },
        ]);
        assert.strictEqual(provider.kmsKeyArn, KEY);
        const operator = one("aws:iam/role:Role", "demo-capacity-operator").inputs;
        assert.strictEqual(
            provider.permissionsConfig.capacityProviderOperatorRoleArn,
            "arn:aws:iam::123456789012:role/demo-capacity-operator-1a2b3c",
        );
        const trust = JSON.parse(operator.assumeRolePolicy).Statement[0];
        assert.deepStrictEqual(
            [trust.Principal, trust.Condition],
            [{ Service: "lambda.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": "123456789012" } }],
        );
        assert.strictEqual(
            one("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "demo-capacity-operator-policy").inputs.policyArn,
            "arn:aws:iam::aws:policy/AWSLambdaManagedEC2ResourceOperator",
        );
        assert.ok(
            dependenciesOf(PROVIDER, "demo-capacity").includes(
                "aws:iam/rolePolicyAttachment:RolePolicyAttachment::demo-capacity-operator-policy",
            ),
        );
        assert.strictEqual(one(FN).inputs.memorySize, 32768);
        assert.strictEqual(
            await valueOf(fn.capacityProviderArn),
            "arn:aws:lambda:us-east-1:123456789012:capacity-provider:demo-capacity-1a2b3c",
        );
        assert.ok(dependenciesOf(FN, "demo-fn").includes(`${PROVIDER}::demo-capacity`));
    });

    it("automatic scaling with a ceiling, and no scaling settings at all by default", async () => {
        await deploy({ ...managed, capacityProvider: { ...network, maxVcpuCount: 16 } });
        assert.deepStrictEqual(one(PROVIDER).inputs.capacityProviderScalingConfigs, [
            { maxVcpuCount: 16, scalingMode: "Auto", scalingPolicies: [] },
        ]);
        await deploy({ ...managed, capacityProvider: network });
        assert.strictEqual(one(PROVIDER).inputs.capacityProviderScalingConfigs, undefined);
    });
});
