import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ModelStore } from "./modelStore";
import { FunctionRole } from "./role";
import { ResolvedArgs } from "./validate";

/** The container-image function, configured with the model it must load. */
export function createFunction(
    name: string,
    r: ResolvedArgs,
    deps: {
        imageUri: pulumi.Input<string>;
        pullPolicy: aws.ecr.RepositoryPolicy;
        role: FunctionRole;
        logGroup: aws.cloudwatch.LogGroup;
        model: ModelStore;
    },
    parent: pulumi.Resource,
): aws.lambda.Function {
    const { model } = deps;
    return new aws.lambda.Function(
        `${name}-fn`,
        {
            packageType: "Image",
            imageUri: deps.imageUri,
            role: deps.role.role.arn,
            architectures: [r.architecture],
            memorySize: r.memorySize,
            timeout: r.timeout,
            ephemeralStorage: { size: r.ephemeralStorageSize },
            reservedConcurrentExecutions: r.reservedConcurrency,
            environment: {
                variables: { ...r.environment, ...model.environment, MODEL_FORMAT: r.modelFormat },
            },
            loggingConfig: { logFormat: "JSON", logGroup: deps.logGroup.name },
            tracingConfig: r.enableTracing ? { mode: "Active" } : undefined,
            vpcConfig: r.vpc,
            kmsKeyArn: r.kmsKeyArn,
            // Every change publishes a version: the `live` alias serves it, and older ones remain to roll back to.
            publish: true,
            tags: r.tags,
        },
        // Creating it needs the pull policy; its first cold start, the log group, its permissions and the model.
        { parent, dependsOn: [deps.pullPolicy, deps.logGroup, ...deps.role.policies, ...model.dependencies] },
    );
}
