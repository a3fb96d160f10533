import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT } from "./contract";
import { DataCapture } from "./capture";
import { JobsBase } from "./jobs";
import { ModelStore } from "./modelStore";
import { BuildContext, RepositorySettings, ResolvedArgs } from "./resolved";
import { FunctionRole } from "./role";

/** The container-image function, configured with the model it must load. */
export function createFunction(
    name: string,
    r: Pick<ResolvedArgs, "image" | "model" | "repository" | "compute" | "network" | "observability" | "security">,
    deps: {
        imageUri: pulumi.Input<string>;
        pullPolicy: aws.ecr.RepositoryPolicy;
        role: FunctionRole;
        logGroup: aws.cloudwatch.LogGroup;
        model: ModelStore;
        /** The capacity provider of a managed-instances function. */
        capacityProviderArn?: pulumi.Input<string>;
        /** Where queued and batch results go (and what queued inputs may be read), and what must exist first. */
        jobs?: JobsBase;
        /** Where data capture's records go, and the bucket settings they wait for. */
        capture?: DataCapture;
    },
    { parent, tags }: BuildContext,
): aws.lambda.Function {
    const { compute } = r;
    const managed = compute.managedInstances;
    const { model } = deps;
    return new aws.lambda.Function(
        `${name}-fn`,
        {
            packageType: "Image",
            imageUri: deps.imageUri,
            role: deps.role.role.arn,
            architectures: [r.image.architecture],
            memorySize: compute.memorySize,
            timeout: compute.timeout,
            ephemeralStorage: { size: compute.ephemeralStorageSize },
            reservedConcurrentExecutions: compute.reservedConcurrency,
            environment: {
                variables: {
                    ...compute.environment,
                    ...model.environment,
                    ...deps.jobs?.environment,
                    ...deps.capture?.environment,
                    [CONTRACT.environment.model.format]: r.model.format,
                    [CONTRACT.environment.settings.modelName]: r.model.name,
                    ...(r.repository ? repositoryEnvironment(r.repository) : {}),
                    [CONTRACT.environment.settings.metricsNamespace]: r.observability.metricsNamespace,
                    [CONTRACT.environment.settings.initBudgetSeconds]: String(compute.initBudgetSeconds),
                },
            },
            loggingConfig: { logFormat: "JSON", logGroup: deps.logGroup.name },
            tracingConfig: r.observability.enableTracing ? { mode: "Active" } : undefined,
            vpcConfig: r.network.vpc,
            // Managed instances: numbered versions and the live alias work as on Lambda's own fleet.
            capacityProviderConfig:
                managed && deps.capacityProviderArn !== undefined
                    ? {
                          lambdaManagedInstancesCapacityProviderConfig: {
                              capacityProviderArn: deps.capacityProviderArn,
                              perExecutionEnvironmentMaxConcurrency: managed.maxConcurrencyPerEnvironment,
                              executionEnvironmentMemoryGibPerVcpu: managed.memoryGiBPerVcpu,
                          },
                      }
                    : undefined,
            kmsKeyArn: r.security.kmsKeyArn,
            // The snapshot is taken after init: the model already fetched, verified and loaded in each restore.
            snapStart: compute.snapStart ? { applyOn: "PublishedVersions" } : undefined,
            // Every change publishes a version: the `live` alias serves it, and older ones remain to roll back to.
            publish: true,
            tags,
        },
        // Creating it needs the pull policy; its first cold start, the log group, its permissions and the model.
        {
            parent,
            dependsOn: [
                deps.pullPolicy,
                deps.logGroup,
                ...deps.role.policies,
                ...(model.kind === "s3" ? model.dependencies : []),
                ...(deps.jobs?.settled ?? []),
                ...(deps.capture?.settled ?? []),
            ],
        },
    );
}

/** MODEL_CACHE_BYTES and PRELOAD_MODELS of a function with many models, when given. */
function repositoryEnvironment(repository: RepositorySettings): { [name: string]: string } {
    const names = CONTRACT.environment.repository;
    return {
        ...(repository.cacheBytes !== undefined ? { [names.cacheBytes]: String(repository.cacheBytes) } : {}),
        ...(repository.preload.length ? { [names.preload]: repository.preload.join(",") } : {}),
    };
}
