import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BuildContext, ProvisionedConcurrency } from "./resolved";

/**
 * Pre-initialised environments on the `live` alias (Lambda allows them on a
 * version or alias, never on $LATEST), and, with a maximum, Application Auto
 * Scaling between `provisionedConcurrency` and that maximum, tracking the
 * utilisation target.
 */
export function createProvisionedConcurrency(
    name: string,
    provisioned: ProvisionedConcurrency,
    deps: { fn: aws.lambda.Function; alias: aws.lambda.Alias },
    { parent, tags }: BuildContext,
): aws.lambda.ProvisionedConcurrencyConfig {
    const config = new aws.lambda.ProvisionedConcurrencyConfig(
        `${name}-provisioned`,
        {
            functionName: deps.fn.name,
            qualifier: deps.alias.name,
            provisionedConcurrentExecutions: provisioned.min,
        },
        { parent },
    );
    const { scaling } = provisioned;
    if (scaling) {
        const resourceId = pulumi.interpolate`function:${deps.fn.name}:${deps.alias.name}`;
        const target = new aws.appautoscaling.Target(
            `${name}-provisioned-scaling`,
            {
                serviceNamespace: "lambda",
                scalableDimension: "lambda:function:ProvisionedConcurrency",
                resourceId,
                minCapacity: provisioned.min,
                maxCapacity: scaling.max,
                tags,
            },
            { parent, dependsOn: [config] },
        );
        new aws.appautoscaling.Policy(
            `${name}-provisioned-tracking`,
            {
                policyType: "TargetTrackingScaling",
                serviceNamespace: target.serviceNamespace,
                scalableDimension: target.scalableDimension,
                resourceId: target.resourceId,
                targetTrackingScalingPolicyConfiguration: {
                    targetValue: scaling.targetUtilization,
                    predefinedMetricSpecification: { predefinedMetricType: "LambdaProvisionedConcurrencyUtilization" },
                },
            },
            { parent },
        );
    }
    return config;
}
