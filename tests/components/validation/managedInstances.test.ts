import * as assert from "assert";
import { FIXTURE_MODEL, reasonsOf, rejected } from "../../harness";

const EXISTING = "arn:aws:lambda:us-east-1:123456789012:capacity-provider:shared-inference";

const managed = { modelPath: FIXTURE_MODEL, computeType: "managedInstances", pythonVersion: "3.13" };

describe("computeType managedInstances (Lambda Managed Instances)", () => {
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
            'pythonVersion: must be 3.13 or newer with computeType "managedInstances": Lambda Managed Instances run Python 3.13 and later; got 3.12',
            "memorySize: must be an integer from 2048 to 32768 (MB, as Lambda Managed Instances take); got 1024",
            'capacityProvider: give exactly one of capacityProviderArn (an existing capacity provider) or capacityProvider (one to create) with computeType "managedInstances"',
            "provisionedConcurrency: does not apply to Lambda Managed Instances: their environments stay warm and scale on CPU, ahead of traffic",
            "vpcSubnetIds: does not apply to Lambda Managed Instances: the capacity provider's subnets and security groups place them",
            "vpcSecurityGroupIds: does not apply to Lambda Managed Instances: the capacity provider's subnets and security groups place them",
            "maxConcurrencyPerEnvironment: must be an integer from 1 to 1600; got 2000",
            "memoryGiBPerVcpu: must be one of 2, 4, 8; got 3",
            "provisionedConcurrency: must not be set with snapStart: Lambda takes either on a function, not both (SnapStart restores an environment per cold start; provisioned concurrency keeps them initialised)",
            'computeType: must be "lambda" with snapStart: managed instances keep their environments running and take no snapshot',
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
