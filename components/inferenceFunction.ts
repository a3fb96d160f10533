import * as pulumi from "@pulumi/pulumi";
import { accountOf } from "./account";
import { createAlarms } from "./alarms";
import { createAlias } from "./alias";
import { InferenceFunctionArgs } from "./args";
import { createDashboard } from "./dashboard";
import { createGradualDeployment } from "./deployment";
import { createFunctionUrl } from "./functionUrl";
import { createImage, imageUriOf } from "./image";
import { createFunction } from "./lambdaFunction";
import { createLogGroup } from "./logGroup";
import { createModelStore } from "./modelStore";
import { createProvisionedConcurrency } from "./provisionedConcurrency";
import { createRepository } from "./repository";
import { createLiveModelRead, createRole } from "./role";
import { smokeTestedVersion } from "./smokeTest";
import { validateArgs } from "./validate";

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
    public readonly repositoryUrl!: pulumi.Output<string>;
    /** The image the function runs, as `repositoryUrl@sha256:...` (never a mutable tag). */
    public readonly imageUri!: pulumi.Output<string>;
    /** Digest (`sha256:...`) of the pushed image manifest. */
    public readonly imageDigest!: pulumi.Output<string>;
    /** Name of the Lambda function. */
    public readonly functionName!: pulumi.Output<string>;
    /** ARN of the Lambda function (unqualified). */
    public readonly functionArn!: pulumi.Output<string>;
    /** ARN of the function's IAM role. */
    public readonly roleArn!: pulumi.Output<string>;
    /** Name of the bucket holding the model. */
    public readonly modelBucketName!: pulumi.Output<string>;
    /** Object key of the model. */
    public readonly modelKey!: pulumi.Output<string>;
    /** S3 version id of the deployed model object (empty for an unversioned adopted bucket). */
    public readonly modelVersionId!: pulumi.Output<string>;
    /** Name of the CloudWatch log group the function writes to. */
    public readonly logGroupName!: pulumi.Output<string>;
    /** HTTPS endpoint of the function; only set when `enableFunctionUrl` is true. */
    public readonly functionUrl?: pulumi.Output<string>;
    /** Name of the alias callers invoke (`live`); the function URL and provisioned concurrency are on it. */
    public readonly aliasName!: pulumi.Output<string>;
    /** ARN of the `live` alias: what callers and event sources should invoke. */
    public readonly aliasArn!: pulumi.Output<string>;
    /** The version this deploy published (the one `live` serves once a gradual rollout completes). */
    public readonly functionVersion!: pulumi.Output<string>;
    /** CloudWatch console URL of the function's dashboard; only set when `enableDashboard` is true. */
    public readonly dashboardUrl?: pulumi.Output<string>;
    /** Name of the CodeDeploy deployment group that shifts traffic; only set with a gradual `deploymentStrategy`. */
    public readonly deploymentGroupName?: pulumi.Output<string>;

    constructor(name: string, args: InferenceFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        // Judged before super(): bad input must not leave even the component registered.
        const r = validateArgs(name, args);
        super("lambda-inference:index:InferenceFunction", name, {}, opts);

        const account = accountOf(this);
        const { repository, pullPolicy } = createRepository(name, r, account, this);
        const image = createImage(name, r, repository, this);
        const imageUri = imageUriOf(repository, image);
        const model = createModelStore(name, r, this);
        const logGroup = createLogGroup(name, r, this);
        const role = createRole(name, r, { logGroup, model }, this);
        const fn = createFunction(name, r, { imageUri, pullPolicy, role, logGroup, model }, this);
        // No traffic reaches a version before its smoke test (if any) passed.
        const version = smokeTestedVersion(name, r, { fn, sha256: model.sha256 }, this);
        const alias = createAlias(name, r, { fn, version }, this);
        if (r.provisionedConcurrency !== undefined) {
            createProvisionedConcurrency(name, r, { fn, alias }, this);
        }
        const url = r.enableFunctionUrl ? createFunctionUrl(name, r, { fn, alias }, this) : undefined;
        const alarms = r.enableAlarms ? createAlarms(name, r, { fn, logGroup }, this) : undefined;
        const dashboardUrl = r.enableDashboard ? createDashboard(name, { fn, logGroup, account }, this) : undefined;
        // Validation guarantees alarms with a gradual strategy: CodeDeploy rolls back on them.
        const deployment =
            r.gradualMinutes !== undefined && alarms
                ? createGradualDeployment(
                      name,
                      r,
                      {
                          fn,
                          alias,
                          version,
                          alarmNames: alarms.names,
                          account,
                          dependsOn: model.objectArn
                              ? [createLiveModelRead(name, role, { fn, alias, model, account }, this)]
                              : [],
                      },
                      this,
                  )
                : undefined;

        const outputs: InferenceFunctionOutputs = {
            repositoryUrl: repository.repositoryUrl,
            imageUri,
            imageDigest: image.digest,
            functionName: fn.name,
            functionArn: fn.arn,
            roleArn: role.role.arn,
            modelBucketName: model.bucketName,
            modelKey: model.key,
            modelVersionId: model.versionId,
            logGroupName: logGroup.name,
            functionUrl: url?.functionUrl,
            aliasName: alias.name,
            aliasArn: alias.arn,
            functionVersion: fn.version,
            dashboardUrl,
            deploymentGroupName: deployment?.group.deploymentGroupName,
        };
        Object.assign(this, outputs);
        this.registerOutputs(outputs);
    }
}
