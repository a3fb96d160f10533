import * as assert from "assert";
import { deploy, FIXTURE_MODEL, reasonsOf, rejected } from "./harness";
import { dependenciesOf, ofType, one, valueOf } from "./mocks";

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

    it("refuses every combination AWS refuses, each named, before any resource", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            computeType: "managedInstances",
            memorySize: 1024,
            provisionedConcurrency: 2,
            vpcSubnetIds: ["subnet-a"],
            vpcSecurityGroupIds: ["sg-1"],
            maxConcurrencyPerEnvironment: 2000,
            memoryGiBPerVcpu: 3,
            snapStart: true,
        });
        assert.deepStrictEqual(reasonsOf(error), [
            "memorySize: must be an integer from 2048 to 32768 (MB, as Lambda Managed Instances take); got 1024",
            "snapStart: is not available for container images: Lambda offers SnapStart for .zip functions only, and never with provisioned concurrency",
            'pythonVersion: must be 3.13 or newer with computeType "managedInstances": Lambda Managed Instances run Python 3.13 and later; got 3.12',
            'capacityProvider: give exactly one of capacityProviderArn (an existing capacity provider) or capacityProvider (one to create) with computeType "managedInstances"',
            "provisionedConcurrency: does not apply to Lambda Managed Instances: their environments stay warm and scale on CPU, ahead of traffic",
            "vpcSubnetIds: does not apply to Lambda Managed Instances: the capacity provider's subnets and security groups place them",
            "vpcSecurityGroupIds: does not apply to Lambda Managed Instances: the capacity provider's subnets and security groups place them",
            "maxConcurrencyPerEnvironment: must be an integer from 1 to 1600; got 2000",
            "memoryGiBPerVcpu: must be one of 2, 4, 8; got 3",
        ]);
    });

    it("refuses a capacity provider that cannot be made, and managed settings without managed instances", async () => {
        const error = await rejected({
            ...managed,
            capacityProvider: {
                subnetIds: [],
                securityGroupIds: ["sg-1"],
                allowedInstanceTypes: ["c7g.xlarge"],
                excludedInstanceTypes: ["t4g.nano"],
                targetCpuUtilization: 95,
            },
        });
        assert.deepStrictEqual(
            error.errors.map((e) => e.propertyPath),
            [
                "capacityProvider.subnetIds",
                "capacityProvider.excludedInstanceTypes",
                "capacityProvider.targetCpuUtilization",
                "capacityProvider.maxVcpuCount",
            ],
        );
        const plain = await rejected({ modelPath: FIXTURE_MODEL, capacityProviderArn: EXISTING, memoryGiBPerVcpu: 4 });
        assert.deepStrictEqual(reasonsOf(plain), [
            'capacityProviderArn: applies only with computeType "managedInstances"',
            'memoryGiBPerVcpu: applies only with computeType "managedInstances"',
        ]);
    });
});

describe("pythonVersion and snapStart", () => {
    it("3.12 by default builds on the Dockerfile's own (pinnable) base; 3.13 by tag, or a pinned base of 3.13", async () => {
        await deploy();
        assert.strictEqual(one("docker-build:index:Image").inputs.buildArgs, undefined);
        const pinned = "public.ecr.aws/lambda/python:3.13@sha256:" + "a".repeat(64);
        await deploy({ modelPath: FIXTURE_MODEL, pythonVersion: "3.13", buildArgs: { BASE_IMAGE: pinned } });
        assert.deepStrictEqual(one("docker-build:index:Image").inputs.buildArgs, { BASE_IMAGE: pinned });
    });

    it("refuses an unknown Python, a base of another Python, and SnapStart with what else it never takes", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            pythonVersion: "3.11",
            snapStart: true,
            ephemeralStorageSize: 1024,
        });
        assert.deepStrictEqual(reasonsOf(error), [
            'pythonVersion: must be one of "3.12", "3.13"; got "3.11"',
            "snapStart: is not available for container images: Lambda offers SnapStart for .zip functions only, and never with an ephemeralStorageSize above 512 MB",
        ]);
        const mismatch = await rejected({
            modelPath: FIXTURE_MODEL,
            pythonVersion: "3.13",
            buildArgs: { BASE_IMAGE: "public.ecr.aws/lambda/python:3.12" },
        });
        assert.deepStrictEqual(reasonsOf(mismatch), [
            "buildArgs.BASE_IMAGE: is Python 3.12, but pythonVersion is 3.13: pin the base of the same version",
        ]);
        await deploy({ modelPath: FIXTURE_MODEL, snapStart: false });
        assert.strictEqual(one(FN).inputs.snapStart, undefined);
    });
});
