import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "./args";
import { buildFoundation, buildFunction, buildRelease, buildWatch, outputsOf } from "./steps";
import { validateArgs } from "./validation";

export type { InferenceFunctionArgs } from "./args";

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
        const ctx = { parent: this, tags: r.tags };
        // What the function needs before it exists, the function itself, how its versions reach traffic,
        // and what watches them: each step a function of its own (steps.ts).
        const foundation = buildFoundation(name, r, ctx);
        const fn = buildFunction(name, r, foundation, ctx);
        const release = buildRelease(name, r, foundation, fn, ctx);
        const watch = buildWatch(name, r, foundation, fn, release, ctx);
        const outputs: InferenceFunctionOutputs = outputsOf(foundation, fn, release, watch);
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
