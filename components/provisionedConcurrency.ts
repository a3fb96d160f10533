import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** Pre-initialised environments on the alias (Lambda allows them on a version or alias, never on $LATEST). */
export function createProvisionedConcurrency(
    name: string,
    executions: number,
    deps: { fn: aws.lambda.Function; alias: aws.lambda.Alias },
    parent: pulumi.Resource,
): aws.lambda.ProvisionedConcurrencyConfig {
    return new aws.lambda.ProvisionedConcurrencyConfig(
        `${name}-provisioned`,
        {
            functionName: deps.fn.name,
            qualifier: deps.alias.name,
            provisionedConcurrentExecutions: executions,
        },
        { parent },
    );
}
