import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tlsOnlyPolicy } from "./policies";
import { BuildContext, SecuritySettings } from "./resolved";

/**
 * A private bucket, as the model's and the results' are: public access blocked, owner-enforced
 * objects, versioned, encrypted (with the customer-managed key when given) and TLS-only. Every
 * resource is named after `name` (`<component>-models`, `<component>-results`).
 */
export function createPrivateBucket(name: string, security: SecuritySettings, { parent, tags }: BuildContext) {
    const bucket = new aws.s3.Bucket(name, { forceDestroy: security.forceDestroy, tags }, { parent });
    // A destroy that cannot delete a non-empty bucket must not first strip its guard rails: without
    // forceDestroy the settings stay on the bucket until the bucket itself goes (and go with it).
    const settings = { parent, retainOnDelete: !security.forceDestroy };
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-public-access`,
        {
            bucket: bucket.id,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        },
        settings,
    );
    const ownership = new aws.s3.BucketOwnershipControls(
        `${name}-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        settings,
    );
    const versioning = new aws.s3.BucketVersioning(
        `${name}-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        settings,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-encryption`,
        {
            bucket: bucket.id,
            rules: [
                {
                    applyServerSideEncryptionByDefault: security.kmsKeyArn
                        ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: security.kmsKeyArn }
                        : { sseAlgorithm: "AES256" },
                    bucketKeyEnabled: true,
                },
            ],
        },
        settings,
    );
    const policy = new aws.s3.BucketPolicy(
        `${name}-policy`,
        { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyPolicy) },
        // S3 refuses a bucket policy while the public access block is being applied.
        { ...settings, dependsOn: [publicAccess] },
    );
    // The upload must land in a versioned, encrypted, locked-down bucket, or it gets no version id.
    return { bucket, settled: [publicAccess, ownership, versioning, encryption, policy] };
}

/** A bucket the component reads from or writes to: its name, its ARN, and what must settle before use. */
export interface BucketRef {
    bucketName: pulumi.Output<string>;
    bucketArn: pulumi.Output<string>;
    /** The created bucket's settings (none for an adopted bucket, whose settings are its owner's). */
    settled: pulumi.Resource[];
    /** The bucket the component created; none when the user gave one. */
    bucket?: aws.s3.Bucket;
}

/** An existing bucket, looked up rather than formatted, so a wrong name fails at preview. */
export function adoptedBucket(bucket: pulumi.Input<string>, { parent }: BuildContext): BucketRef {
    const existing = aws.s3.getBucketOutput({ bucket }, { parent });
    return { bucketName: existing.bucket, bucketArn: existing.arn, settled: [] };
}

/** The bucket the user adopts, or else a private one the component creates named `name`. */
export function ownOrAdoptedBucket(
    name: string,
    adopted: pulumi.Input<string> | undefined,
    security: SecuritySettings,
    ctx: BuildContext,
): BucketRef {
    if (adopted !== undefined) {
        return adoptedBucket(adopted, ctx);
    }
    const { bucket, settled } = createPrivateBucket(name, security, ctx);
    return { bucketName: bucket.bucket, bucketArn: bucket.arn, settled, bucket };
}
