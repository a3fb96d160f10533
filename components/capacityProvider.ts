import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { MANAGED_INSTANCES } from "./defaults";
import { serviceTrustPolicy } from "./policies";
import { BuildContext, ManagedInstancesSettings, SecuritySettings } from "./resolved";

/**
 * The capacity a managed-instances function runs on: the one given, or one the component creates with
 * its operator role (trusted by Lambda for this account only, with AWS's managed policy for the EC2
 * resources Lambda manages); its ARN.
 */
export function createCapacityProvider(
    name: string,
    managed: ManagedInstancesSettings,
    architecture: string,
    deps: { account: Account; security: SecuritySettings },
    { parent, tags }: BuildContext,
): pulumi.Input<string> {
    if (managed.kind === "existing") {
        return managed.capacityProviderArn;
    }
    const p = managed.provider;
    const { security, account } = deps;
    const operator = new aws.iam.Role(
        `${name}-capacity-operator`,
        {
            assumeRolePolicy: account.accountId.apply((id) => serviceTrustPolicy("lambda.amazonaws.com", id)),
            permissionsBoundary: security.permissionsBoundary,
            path: security.rolePath,
            tags,
        },
        { parent },
    );
    const attachment = new aws.iam.RolePolicyAttachment(
        `${name}-capacity-operator-policy`,
        {
            role: operator.name,
            policyArn: pulumi.interpolate`arn:${account.partition}:iam::aws:policy/${MANAGED_INSTANCES.operatorPolicy}`,
        },
        { parent },
    );
    const provider = new aws.lambda.CapacityProvider(
        `${name}-capacity`,
        {
            vpcConfig: { subnetIds: p.subnetIds, securityGroupIds: p.securityGroupIds },
            permissionsConfig: { capacityProviderOperatorRoleArn: operator.arn },
            instanceRequirements: [
                {
                    // The instances run the image's own instruction set.
                    architectures: [architecture],
                    allowedInstanceTypes: p.allowedInstanceTypes ?? [],
                    excludedInstanceTypes: p.excludedInstanceTypes ?? [],
                },
            ],
            capacityProviderScalingConfigs: p.scaling && [
                p.scaling.targetCpuUtilization === undefined
                    ? { maxVcpuCount: p.scaling.maxVcpuCount, scalingMode: "Auto", scalingPolicies: [] }
                    : {
                          maxVcpuCount: p.scaling.maxVcpuCount,
                          scalingMode: "Manual",
                          scalingPolicies: [
                              {
                                  predefinedMetricType: "LambdaCapacityProviderAverageCPUUtilization",
                                  targetValue: p.scaling.targetCpuUtilization,
                              },
                          ],
                      },
            ],
            kmsKeyArn: security.kmsKeyArn,
            tags,
        },
        // Lambda checks it may assume the operator role, with its policy, when the provider is created.
        { parent, dependsOn: [attachment] },
    );
    return provider.arn;
}
