import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "./args";
import { createImage } from "./image";
import { createFunction, createFunctionUrl, createLogGroup } from "./lambdaFunction";
import { createModelStore } from "./modelStore";
import { createRepository } from "./repository";
import { createRole } from "./role";
import { validateArgs } from "./validate";

export { InferenceFunctionArgs } from "./args";

/**
 * A Python machine-learning model served by AWS Lambda from a container
 * image: an ECR repository, the image built and pushed with docker-build, the
 * model in a private S3 bucket, a least-privilege role, a log group and the
 * function, which fetches exactly the deployed model version and verifies
 * its sha256 before loading it.
 */
export class InferenceFunction extends pulumi.ComponentResource {
    /** URL of the ECR repository holding the function's images. */
    public readonly repositoryUrl: pulumi.Output<string>;
    /** The image the function runs, as `repositoryUrl@sha256:...` (never a mutable tag). */
    public readonly imageUri: pulumi.Output<string>;
    /** Digest (`sha256:...`) of the pushed image manifest. */
    public readonly imageDigest: pulumi.Output<string>;
    /** Name of the Lambda function. */
    public readonly functionName: pulumi.Output<string>;
    /** ARN of the Lambda function (unqualified). */
    public readonly functionArn: pulumi.Output<string>;
    /** ARN of the function's IAM role. */
    public readonly roleArn: pulumi.Output<string>;
    /** Name of the bucket holding the model. */
    public readonly modelBucketName: pulumi.Output<string>;
    /** Object key of the model. */
    public readonly modelKey: pulumi.Output<string>;
    /** S3 version id of the deployed model object (empty for an unversioned adopted bucket). */
    public readonly modelVersionId: pulumi.Output<string>;
    /** Name of the CloudWatch log group the function writes to. */
    public readonly logGroupName: pulumi.Output<string>;
    /** HTTPS endpoint of the function; only set when `enableFunctionUrl` is true. */
    public readonly functionUrl?: pulumi.Output<string>;

    constructor(name: string, args: InferenceFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        // Judged before super(): bad input must not leave even the component registered.
        const r = validateArgs(name, args);
        super("lambda-inference:index:InferenceFunction", name, {}, opts);
        const given = r.given;
        const forceDestroy = given.forceDestroy ?? false;
        const tags = given.tags;

        const repository = createRepository(name, { keepImages: r.keepImages, forceDestroy, tags }, this);
        const image = createImage(
            name,
            {
                repository,
                appPath: r.appPath,
                dockerfilePath: r.dockerfilePath,
                platform: r.platform,
                buildArgs: given.buildArgs,
                buildTarget: given.buildTarget,
            },
            this,
        );
        // Lambda rejects `repo:tag@digest` (image.ref); the digest alone pins the exact build.
        const imageUri = pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`;

        const model = createModelStore(
            name,
            {
                modelPath: r.modelPath,
                modelKey: given.modelKey,
                modelBucketName: given.modelBucketName,
                modelSha256: given.modelSha256,
                forceDestroy,
                tags,
            },
            this,
        );

        const logGroup = createLogGroup(name, r.logRetentionDays, tags, this);
        const { role, policies } = createRole(
            name,
            {
                logGroupArn: logGroup.arn,
                modelObjectArn: model.objectArn,
                enableVpc: given.vpcSubnetIds !== undefined,
                enableTracing: given.enableTracing ?? false,
                tags,
            },
            this,
        );

        const { fn, alias } = createFunction(
            name,
            {
                imageUri,
                roleArn: role.arn,
                architecture: r.architecture,
                memorySize: r.memorySize,
                timeout: r.timeout,
                ephemeralStorageSize: r.ephemeralStorageSize,
                reservedConcurrency: given.reservedConcurrency,
                provisionedConcurrency: given.provisionedConcurrency,
                // A new model changes these values, so Lambda starts fresh environments with it.
                environment: {
                    ...given.environment,
                    MODEL_BUCKET: model.bucketName,
                    MODEL_KEY: model.key,
                    MODEL_VERSION_ID: model.versionId,
                    MODEL_SHA256: model.sha256,
                },
                logGroupName: logGroup.name,
                enableTracing: given.enableTracing ?? false,
                vpcSubnetIds: given.vpcSubnetIds,
                vpcSecurityGroupIds: given.vpcSecurityGroupIds,
                tags,
                dependsOn: [logGroup, ...policies, ...model.dependencies],
            },
            this,
        );

        this.repositoryUrl = repository.repositoryUrl;
        this.imageUri = imageUri;
        this.imageDigest = image.digest;
        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.roleArn = role.arn;
        this.modelBucketName = model.bucketName;
        this.modelKey = model.key;
        this.modelVersionId = model.versionId;
        this.logGroupName = logGroup.name;
        if (given.enableFunctionUrl) {
            this.functionUrl = createFunctionUrl(name, fn, alias, r.functionUrlAuthType, this).functionUrl;
        }

        this.registerOutputs({
            repositoryUrl: this.repositoryUrl,
            imageUri: this.imageUri,
            imageDigest: this.imageDigest,
            functionName: this.functionName,
            functionArn: this.functionArn,
            roleArn: this.roleArn,
            modelBucketName: this.modelBucketName,
            modelKey: this.modelKey,
            modelVersionId: this.modelVersionId,
            logGroupName: this.logGroupName,
            functionUrl: this.functionUrl,
        });
    }
}
