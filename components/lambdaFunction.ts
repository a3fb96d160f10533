import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { LIVE_ALIAS } from "./defaults";

export interface FunctionOptions {
    imageUri: pulumi.Input<string>;
    roleArn: pulumi.Input<string>;
    architecture: string;
    memorySize: number;
    timeout: number;
    ephemeralStorageSize: number;
    reservedConcurrency?: number;
    provisionedConcurrency?: number;
    environment: pulumi.Input<{ [key: string]: pulumi.Input<string> }>;
    logGroupName: pulumi.Input<string>;
    enableTracing: boolean;
    vpcSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    vpcSecurityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    tags?: { [key: string]: pulumi.Input<string> };
    /** What must exist before the function starts: its log group, role policies and model. */
    dependsOn: pulumi.Resource[];
}

export function createLogGroup(
    name: string,
    retentionInDays: number,
    tags: { [key: string]: pulumi.Input<string> } | undefined,
    parent: pulumi.Resource,
): aws.cloudwatch.LogGroup {
    return new aws.cloudwatch.LogGroup(
        `${name}-logs`,
        { namePrefix: `/aws/lambda/${name}-`, retentionInDays, tags },
        { parent },
    );
}

export function createFunction(
    name: string,
    o: FunctionOptions,
    parent: pulumi.Resource,
): { fn: aws.lambda.Function; alias?: aws.lambda.Alias } {
    const fn = new aws.lambda.Function(
        `${name}-fn`,
        {
            packageType: "Image",
            imageUri: o.imageUri,
            role: o.roleArn,
            architectures: [o.architecture],
            memorySize: o.memorySize,
            timeout: o.timeout,
            ephemeralStorage: { size: o.ephemeralStorageSize },
            reservedConcurrentExecutions: o.reservedConcurrency,
            environment: { variables: o.environment },
            loggingConfig: { logFormat: "JSON", logGroup: o.logGroupName },
            tracingConfig: o.enableTracing ? { mode: "Active" } : undefined,
            vpcConfig:
                o.vpcSubnetIds !== undefined
                    ? { subnetIds: o.vpcSubnetIds, securityGroupIds: o.vpcSecurityGroupIds ?? [] }
                    : undefined,
            // Provisioned concurrency needs a published version to attach to.
            publish: o.provisionedConcurrency !== undefined,
            tags: o.tags,
        },
        { parent, dependsOn: o.dependsOn },
    );
    if (o.provisionedConcurrency === undefined) {
        return { fn };
    }
    const alias = new aws.lambda.Alias(
        `${name}-alias`,
        { name: LIVE_ALIAS, functionName: fn.name, functionVersion: fn.version },
        { parent },
    );
    new aws.lambda.ProvisionedConcurrencyConfig(
        `${name}-provisioned`,
        {
            functionName: fn.name,
            qualifier: alias.name,
            provisionedConcurrentExecutions: o.provisionedConcurrency,
        },
        { parent },
    );
    return { fn, alias };
}

/**
 * A function URL on the function (or its `live` alias). With auth `NONE`
 * anyone may call it, which Lambda only allows with two resource-policy
 * statements: InvokeFunctionUrl, and InvokeFunction via the URL only.
 */
export function createFunctionUrl(
    name: string,
    fn: aws.lambda.Function,
    alias: aws.lambda.Alias | undefined,
    authorizationType: string,
    parent: pulumi.Resource,
): aws.lambda.FunctionUrl {
    const url = new aws.lambda.FunctionUrl(
        `${name}-url`,
        { functionName: fn.name, qualifier: alias?.name, authorizationType },
        { parent },
    );
    if (authorizationType === "NONE") {
        new aws.lambda.Permission(
            `${name}-url-public`,
            {
                function: fn.name,
                qualifier: alias?.name,
                action: "lambda:InvokeFunctionUrl",
                principal: "*",
                functionUrlAuthType: "NONE",
            },
            { parent },
        );
        new aws.lambda.Permission(
            `${name}-url-public-invoke`,
            {
                function: fn.name,
                qualifier: alias?.name,
                action: "lambda:InvokeFunction",
                principal: "*",
                invokedViaFunctionUrl: true,
            },
            { parent },
        );
    }
    return url;
}
