// The steps InferenceFunction's constructor wires, in the order resources are registered: what the
// function needs before it exists, the function, how each new version reaches traffic, what watches it,
// and the outputs. Each step takes the resolved arguments and what earlier steps made.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account, accountOf } from "./account";
import { createAlarms, createQueueAlarms, FunctionAlarms } from "./alarms";
import { createAlias } from "./alias";
import { createCapacityProvider } from "./capacityProvider";
import { createDataCapture, DataCapture } from "./capture";
import { createDashboard } from "./dashboard";
import { createGradualDeployment, GradualDeployment } from "./deployment";
import { createFunctionUrl } from "./functionUrl";
import { createImage, imageUriOf } from "./image";
import { connectJobs, createJobs, JobsBase, JobsConnected } from "./jobs";
import { createFunction } from "./lambdaFunction";
import { createLiveImageTag } from "./liveImage";
import { createLogGroup } from "./logGroup";
import { createManyModelStore } from "./manyModels";
import { createModelStore, ModelStore } from "./modelStore";
import { createProvisionedConcurrency } from "./provisionedConcurrency";
import { createRepository } from "./repository";
import { BuildContext, ResolvedArgs } from "./resolved";
import { createRole, FunctionRole } from "./role";
import { createSmokeTest, createSmokeTests } from "./smokeTest";

/** What exists before the function: its image, model, logs, jobs' queues and buckets, role and capacity. */
export interface Foundation {
    account: Account;
    repository: aws.ecr.Repository;
    pullPolicy: aws.ecr.RepositoryPolicy;
    image: ReturnType<typeof createImage>;
    imageUri: pulumi.Output<string>;
    model: ModelStore;
    logGroup: aws.cloudwatch.LogGroup;
    jobs: JobsBase;
    capture?: DataCapture;
    role: FunctionRole;
    capacityProviderArn?: pulumi.Input<string>;
}

export function buildFoundation(name: string, r: ResolvedArgs, ctx: BuildContext): Foundation {
    const account = accountOf(ctx.parent);
    const { repository, pullPolicy } = createRepository(name, r.image, r.security, account, ctx);
    const image = createImage(name, r.image, r.model, repository, ctx);
    const model = r.repository
        ? createManyModelStore(name, r.repository.models, r.repository.adoptedBucket, r.security, ctx)
        : createModelStore(name, r.model, r.security, ctx);
    const logGroup = createLogGroup(name, r.observability, r.security, ctx);
    const jobs = createJobs(name, r.jobs, r.security, account, ctx);
    const capture = r.observability.dataCapture
        ? createDataCapture(name, r.observability.dataCapture, r.security, account, ctx)
        : undefined;
    const needs = [...jobs.policies, ...(capture?.policies ?? [])];
    const access = { vpc: r.network.vpc !== undefined, tracing: r.observability.enableTracing };
    const role = createRole(
        name,
        { security: r.security, model: r.model, ...access },
        { logGroup, model, account, needs },
        ctx,
    );
    const managed = r.compute.managedInstances;
    const capacityProviderArn = managed
        ? createCapacityProvider(name, managed, r.image.architecture, { account, security: r.security }, ctx)
        : undefined;
    const imageUri = imageUriOf(repository, image);
    return {
        account,
        repository,
        pullPolicy,
        image,
        imageUri,
        model,
        logGroup,
        jobs,
        capture,
        role,
        capacityProviderArn,
    };
}

export function buildFunction(name: string, r: ResolvedArgs, f: Foundation, ctx: BuildContext): aws.lambda.Function {
    const { imageUri, pullPolicy, role, logGroup, model, jobs, capture, capacityProviderArn } = f;
    return createFunction(
        name,
        r,
        { imageUri, pullPolicy, role, logGroup, model, jobs, capture, capacityProviderArn },
        ctx,
    );
}

/** How each published version reaches callers: its smoke test, the live alias and what points at it. */
export interface Release {
    /** The version this deploy published, once its smoke test (if any) passed. */
    version: pulumi.Output<string>;
    alias: aws.lambda.Alias;
    connected: JobsConnected;
    functionUrl?: pulumi.Output<string>;
}

export function buildRelease(
    name: string,
    r: ResolvedArgs,
    f: Foundation,
    fn: aws.lambda.Function,
    ctx: BuildContext,
): Release {
    // No traffic reaches a version before its smoke test (if any) passed.
    const version = r.repository
        ? createSmokeTests(name, r.repository.smokeTests, fn, ctx)
        : createSmokeTest(name, r.rollout, { fn, sha256: f.model.sha256 }, ctx);
    const alias = createAlias(name, r.rollout, { fn, version }, ctx);
    if (r.compute.provisionedConcurrency) {
        createProvisionedConcurrency(name, r.compute.provisionedConcurrency, { fn, alias }, ctx);
    }
    const deps = {
        alias,
        role: f.role.role,
        rolePolicies: f.role.policies,
        account: f.account,
        security: r.security,
        logRetentionDays: r.observability.logRetentionDays,
    };
    const connected = connectJobs(name, r.jobs, f.jobs, deps, ctx);
    const url = r.network.functionUrl && createFunctionUrl(name, r.network.functionUrl, { fn, alias }, ctx);
    return { version, alias, connected, functionUrl: url ? url.functionUrl : undefined };
}

/** What watches the function: its dashboard, its alarms, and the rollout that rolls back on them. */
export interface Watch {
    dashboardUrl?: pulumi.Output<string>;
    alarms?: FunctionAlarms;
    deployment?: GradualDeployment;
}

export function buildWatch(
    name: string,
    r: ResolvedArgs,
    f: Foundation,
    fn: aws.lambda.Function,
    release: Release,
    ctx: BuildContext,
): Watch {
    const { logGroup, account } = f;
    const namespace = r.observability.metricsNamespace;
    const dashboardUrl = r.observability.enableDashboard
        ? createDashboard(name, { fn, logGroup, account, metricsNamespace: namespace }, ctx)
        : undefined;
    const watched = { fn, logGroup, version: release.version, metricsNamespace: namespace };
    const watch: Watch = { dashboardUrl };
    const rollout = r.rollout;
    if (rollout.kind === "gradual") {
        // A gradual rollout always has its alarms: CodeDeploy rolls back on them.
        const alarms = createAlarms(name, rollout.alarms, r.compute.timeout, watched, ctx);
        const deps = { fn, alias: release.alias, version: release.version, alarms, account };
        watch.alarms = alarms;
        watch.deployment = createGradualDeployment(name, rollout, r.security, deps, ctx);
    } else if (rollout.alarms) {
        watch.alarms = createAlarms(name, rollout.alarms, r.compute.timeout, watched, ctx);
    }
    if (rollout.alarms && f.jobs.queues && r.jobs.async) {
        createQueueAlarms(name, rollout.alarms, f.jobs.queues, r.jobs.async, ctx);
    }
    // Once live runs the new image, the lifecycle policy must keep it.
    const after = [watch.deployment?.rollout ?? release.alias];
    createLiveImageTag(name, { repository: f.repository, image: f.image, account, after }, ctx);
    return watch;
}

/** The component's outputs; with the model in the image there is no bucket, key or object version. */
export function outputsOf(f: Foundation, fn: aws.lambda.Function, release: Release, watch: Watch) {
    const inS3 = f.model.kind === "s3" ? f.model : undefined;
    const none = pulumi.output("");
    const { jobs, capture, capacityProviderArn } = f;
    return {
        repositoryUrl: f.repository.repositoryUrl,
        imageUri: f.imageUri,
        imageDigest: f.image.digest,
        functionName: fn.name,
        functionArn: fn.arn,
        roleArn: f.role.role.arn,
        modelBucketName: inS3?.bucketName ?? none,
        modelKey: inS3?.key ?? none,
        modelVersionId: inS3?.versionId ?? none,
        logGroupName: f.logGroup.name,
        functionUrl: release.functionUrl,
        aliasName: release.alias.name,
        aliasArn: release.alias.arn,
        functionVersion: fn.version,
        dashboardUrl: watch.dashboardUrl,
        deploymentGroupName: watch.deployment?.group.deploymentGroupName,
        queueUrl: jobs.queues?.queue.url,
        queueArn: jobs.queues?.queue.arn,
        deadLetterQueueUrl: jobs.queues?.deadLetter.url,
        outputBucketName: (jobs.asyncOutput ?? jobs.batchOutput)?.bucketName,
        stateMachineArn: release.connected.stateMachine?.arn,
        capacityProviderArn: capacityProviderArn === undefined ? undefined : pulumi.output(capacityProviderArn),
        batchOutputUri:
            jobs.batchOutput && pulumi.interpolate`s3://${jobs.batchOutput.bucketName}/${jobs.batchOutput.prefix}`,
        dataCaptureUri: capture?.uri,
    };
}
