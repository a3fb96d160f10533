import * as pulumi from "@pulumi/pulumi";
import { accountOf } from "./account";
import { createAlarms } from "./alarms";
import { createAlias } from "./alias";
import { InferenceFunctionArgs } from "./args";
import { createDashboard } from "./dashboard";
import { createGradualDeployment, GradualDeployment } from "./deployment";
import { capacityProviderArnOf } from "./capacityProvider";
import { createDataCapture } from "./capture";
import { createFunctionUrl } from "./functionUrl";
import { createImage, imageUriOf } from "./image";
import { createFunction } from "./lambdaFunction";
import { createLogGroup } from "./logGroup";
import { connectJobs, createJobs } from "./jobs";
import { createModelStore } from "./modelStore";
import { createProvisionedConcurrency } from "./provisionedConcurrency";
import { createRepository } from "./repository";
import { createLiveImageTag } from "./liveImage";
import { createRole } from "./role";
import { smokeTestedVersion } from "./smokeTest";
import { BuildContext } from "./resolved";
import { validateArgs } from "./validation";

export { InferenceFunctionArgs } from "./args";

/** The component's outputs: its public `Output` properties, declared once on the class below. */
type InferenceFunctionOutputs = {
    [
        K in keyof InferenceFunction as K extends "urn"
            ? never
            : InferenceFunction[K] extends pulumi.Output<unknown> | undefined
              ? K
              : never
    ]: InferenceFunction[K];
};

/**
 * A Python machine-learning model served by AWS Lambda from a container
 * image: an ECR repository, the image built and pushed with docker-build, the
 * model in a private S3 bucket, a least-privilege role, a log group and the
 * function, which fetches exactly the deployed model version and verifies
 * its sha256 before loading it.
 */
export class InferenceFunction extends pulumi.ComponentResource {
    /** URL of the ECR repository holding the function's images. */
    declare public readonly repositoryUrl: pulumi.Output<string>;
    /** The image the function runs, as `repositoryUrl@sha256:...` (never a mutable tag). */
    declare public readonly imageUri: pulumi.Output<string>;
    /** Digest (`sha256:...`) of the pushed image manifest. */
    declare public readonly imageDigest: pulumi.Output<string>;
    /** Name of the Lambda function. */
    declare public readonly functionName: pulumi.Output<string>;
    /** ARN of the Lambda function (unqualified). */
    declare public readonly functionArn: pulumi.Output<string>;
    /** ARN of the function's IAM role. */
    declare public readonly roleArn: pulumi.Output<string>;
    /** Name of the bucket holding the model. */
    declare public readonly modelBucketName: pulumi.Output<string>;
    /** Object key of the model. */
    declare public readonly modelKey: pulumi.Output<string>;
    /** S3 version id of the deployed model object (empty for an unversioned adopted bucket). */
    declare public readonly modelVersionId: pulumi.Output<string>;
    /** Name of the CloudWatch log group the function writes to. */
    declare public readonly logGroupName: pulumi.Output<string>;
    /** HTTPS endpoint of the function; only set when `enableFunctionUrl` is true. */
    public readonly functionUrl?: pulumi.Output<string>;
    /** Name of the alias callers invoke (`live`); the function URL and provisioned concurrency are on it. */
    declare public readonly aliasName: pulumi.Output<string>;
    /** ARN of the `live` alias: what callers and event sources should invoke. */
    declare public readonly aliasArn: pulumi.Output<string>;
    /** The version this deploy published (the one `live` serves once a gradual rollout completes). */
    declare public readonly functionVersion: pulumi.Output<string>;
    /** CloudWatch console URL of the function's dashboard; only set when `enableDashboard` is true. */
    public readonly dashboardUrl?: pulumi.Output<string>;
    /** Name of the CodeDeploy deployment group that shifts traffic; only set with a gradual `deploymentStrategy`. */
    public readonly deploymentGroupName?: pulumi.Output<string>;
    /** URL of the queue that takes queued requests; only set with `asyncInference`. */
    public readonly queueUrl?: pulumi.Output<string>;
    /** ARN of that queue; only set with `asyncInference`. */
    public readonly queueArn?: pulumi.Output<string>;
    /** URL of the dead-letter queue, where messages that kept failing wait; only set with `asyncInference`. */
    public readonly deadLetterQueueUrl?: pulumi.Output<string>;
    /** Bucket the results of queued requests (else of batch transforms) are written to; only set with a job. */
    public readonly outputBucketName?: pulumi.Output<string>;
    /** ARN of the batch transform's state machine; only set with `batchTransform`. */
    public readonly stateMachineArn?: pulumi.Output<string>;
    /** ARN of the capacity provider the function runs on; only set with `computeType` `managedInstances`. */
    public readonly capacityProviderArn?: pulumi.Output<string>;
    /** `s3://bucket/prefix/` under which each batch run writes its lines; only set with `batchTransform`. */
    public readonly batchOutputUri?: pulumi.Output<string>;
    /** `s3://bucket/prefix/` under which data capture's records land; only set with `dataCapture`. */
    public readonly dataCaptureUri?: pulumi.Output<string>;

    constructor(name: string, args: InferenceFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        // Judged before super(): bad input must not leave even the component registered.
        const r = validateArgs(name, args);
        super("lambda-inference:index:InferenceFunction", name, {}, opts);
        const ctx: BuildContext = { parent: this, tags: r.tags };

        const account = accountOf(this);
        const { repository, pullPolicy } = createRepository(name, r.image, r.security, account, ctx);
        const image = createImage(name, r.image, r.model, repository, ctx);
        const imageUri = imageUriOf(repository, image);
        const model = createModelStore(name, r.model, r.security, ctx);
        const logGroup = createLogGroup(name, r.observability, r.security, ctx);
        const jobs = createJobs(name, r.jobs, r.security, account, ctx);
        const capture =
            r.observability.dataCapture &&
            createDataCapture(name, r.observability.dataCapture, r.security, account, ctx);
        const role = createRole(
            name,
            {
                security: r.security,
                model: r.model,
                vpc: r.network.vpc !== undefined,
                tracing: r.observability.enableTracing,
            },
            { logGroup, model, account, needs: [...jobs.policies, ...(capture?.policies ?? [])] },
            ctx,
        );
        const capacityProviderArn =
            r.compute.managedInstances &&
            capacityProviderArnOf(
                name,
                r.compute.managedInstances,
                r.image.architecture,
                { account, security: r.security },
                ctx,
            );
        const fn = createFunction(
            name,
            r,
            { imageUri, pullPolicy, role, logGroup, model, jobs, capture, capacityProviderArn },
            ctx,
        );
        // No traffic reaches a version before its smoke test (if any) passed.
        const version = smokeTestedVersion(name, r.rollout, { fn, sha256: model.sha256 }, ctx);
        const alias = createAlias(name, r.rollout, { fn, version }, ctx);
        if (r.compute.provisionedConcurrency) {
            createProvisionedConcurrency(name, r.compute.provisionedConcurrency, { fn, alias }, ctx);
        }
        const connected = connectJobs(
            name,
            r.jobs,
            jobs,
            { alias, rolePolicies: role.policies, account, security: r.security },
            ctx,
        );
        const url = r.network.functionUrl && createFunctionUrl(name, r.network.functionUrl, { fn, alias }, ctx);
        const dashboardUrl = r.observability.enableDashboard
            ? createDashboard(name, { fn, logGroup, account, metricsNamespace: r.observability.metricsNamespace }, ctx)
            : undefined;
        const alarms = r.rollout.alarms
            ? createAlarms(
                  name,
                  r.rollout.alarms,
                  r.compute.timeout,
                  { fn, logGroup, version, metricsNamespace: r.observability.metricsNamespace },
                  ctx,
              )
            : undefined;
        let deployment: GradualDeployment | undefined;
        if (r.rollout.kind === "gradual") {
            if (alarms === undefined) {
                throw new Error("internal error: a gradual rollout passed validation without its alarms");
            }
            deployment = createGradualDeployment(
                name,
                r.rollout,
                r.security,
                { fn, alias, version, alarms, account },
                ctx,
            );
        }
        // Once live runs the new image, the lifecycle policy must keep it.
        createLiveImageTag(name, { repository, image, account, after: [deployment?.rollout ?? alias] }, ctx);

        // With the model in the image there is no bucket, key or object version: those outputs are empty.
        const inS3 = model.kind === "s3" ? model : undefined;
        const none = pulumi.output("");
        const outputs: InferenceFunctionOutputs = {
            repositoryUrl: repository.repositoryUrl,
            imageUri,
            imageDigest: image.digest,
            functionName: fn.name,
            functionArn: fn.arn,
            roleArn: role.role.arn,
            modelBucketName: inS3?.bucketName ?? none,
            modelKey: inS3?.key ?? none,
            modelVersionId: inS3?.versionId ?? none,
            logGroupName: logGroup.name,
            functionUrl: url ? url.functionUrl : undefined,
            aliasName: alias.name,
            aliasArn: alias.arn,
            functionVersion: fn.version,
            dashboardUrl,
            deploymentGroupName: deployment?.group.deploymentGroupName,
            queueUrl: jobs.queues?.queue.url,
            queueArn: jobs.queues?.queue.arn,
            deadLetterQueueUrl: jobs.queues?.deadLetter.url,
            outputBucketName: (jobs.asyncOutput ?? jobs.batchOutput)?.bucketName,
            stateMachineArn: connected.stateMachine?.arn,
            capacityProviderArn: capacityProviderArn === undefined ? undefined : pulumi.output(capacityProviderArn),
            batchOutputUri:
                jobs.batchOutput && pulumi.interpolate`s3://${jobs.batchOutput.bucketName}/${jobs.batchOutput.prefix}`,
            dataCaptureUri: capture?.uri,
        };
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
