import * as path from "path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { tlsOnlyPolicy } from "./policies";
import { sha256File } from "./sha256";
import { ResolvedArgs } from "./validate";

/** Where the function finds its model, and how it checks it. */
export interface ModelStore {
    /** The MODEL_* variables that tell the function where its model is and what it must hash to. */
    environment: { [name: string]: pulumi.Input<string> };
    /** "" when the model is in the image. */
    bucketName: pulumi.Output<string>;
    /** "" when the model is in the image. */
    key: pulumi.Output<string>;
    /** ARN of the model object, the one object the role may read; absent when the model is in the image. */
    objectArn?: pulumi.Output<string>;
    /** S3 version id of the exact object to load ("" for an unversioned adopted bucket, or the model in the image). */
    versionId: pulumi.Output<string>;
    sha256: pulumi.Output<string>;
    /** Resources the function must wait for (the object and, if created, the bucket policy). */
    dependencies: pulumi.Resource[];
}

/** An object in S3: the location the function reads at init. */
function inS3(
    bucketName: pulumi.Output<string>,
    bucketArn: pulumi.Output<string>,
    key: pulumi.Output<string>,
    versionId: pulumi.Output<string>,
    sha256: pulumi.Output<string>,
    dependencies: pulumi.Resource[],
): ModelStore {
    return {
        // A new model changes these values, so Lambda starts fresh environments with it.
        environment: { MODEL_BUCKET: bucketName, MODEL_KEY: key, MODEL_VERSION_ID: versionId, MODEL_SHA256: sha256 },
        bucketName,
        key,
        objectArn: pulumi.interpolate`${bucketArn}/${key}`,
        versionId,
        sha256,
        dependencies,
    };
}

/** The model baked into the image (modelDelivery "image"): a local path, no bucket, nothing for the role to read. */
function inImage(pathInImage: string, modelPath: string): ModelStore {
    const sha256 = pulumi.output(sha256File(modelPath));
    const none = pulumi.output("");
    return {
        environment: { MODEL_PATH: pathInImage, MODEL_SHA256: sha256 },
        bucketName: none,
        key: none,
        versionId: none,
        sha256,
        dependencies: [],
    };
}

/** S3 reports the version of an object in an unversioned bucket as "null"; the handler then fetches the latest. */
export function normaliseVersionId(versionId: string | undefined): string {
    return !versionId || versionId === "null" ? "" : versionId;
}

/**
 * The sha256 the function is told, once S3 has confirmed it received exactly
 * that: the upload reads the file again after it was hashed, so a file changed
 * in between fails the deploy here instead of every cold start later.
 * S3 reports the checksum it computed on receipt, base64-encoded.
 */
export function confirmedSha256(modelPath: string, hex: string, checksumSha256: string | undefined): string {
    const received = Buffer.from(checksumSha256 ?? "", "base64").toString("hex");
    if (received !== hex) {
        throw new Error(
            `the model uploaded from ${modelPath} is not the file that was hashed: S3 received sha256 ${received || "(none)"}, ` +
                `the file hashed to ${hex} at the start of this deploy (was it changed during the deploy?); ` +
                "the function was not updated; run the deploy again",
        );
    }
    return hex;
}

function createPrivateBucket(name: string, r: ResolvedArgs, parent: pulumi.Resource) {
    const bucket = new aws.s3.Bucket(`${name}-models`, { forceDestroy: r.forceDestroy, tags: r.tags }, { parent });
    // A destroy that cannot delete a non-empty bucket must not first strip its guard rails: without
    // forceDestroy the settings stay on the bucket until the bucket itself goes (and go with it).
    const settings = { parent, retainOnDelete: !r.forceDestroy };
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
        `${name}-models-public-access`,
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
        `${name}-models-ownership`,
        { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
        settings,
    );
    const versioning = new aws.s3.BucketVersioning(
        `${name}-models-versioning`,
        { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
        settings,
    );
    const encryption = new aws.s3.BucketServerSideEncryptionConfiguration(
        `${name}-models-encryption`,
        {
            bucket: bucket.id,
            rules: [
                {
                    applyServerSideEncryptionByDefault: r.kmsKeyArn
                        ? { sseAlgorithm: "aws:kms", kmsMasterKeyId: r.kmsKeyArn }
                        : { sseAlgorithm: "AES256" },
                    bucketKeyEnabled: true,
                },
            ],
        },
        settings,
    );
    const policy = new aws.s3.BucketPolicy(
        `${name}-models-policy`,
        { bucket: bucket.id, policy: bucket.arn.apply(tlsOnlyPolicy) },
        // S3 refuses a bucket policy while the public access block is being applied.
        { ...settings, dependsOn: [publicAccess] },
    );
    // The upload must land in a versioned, encrypted, locked-down bucket, or it gets no version id.
    return { bucket, settled: [publicAccess, ownership, versioning, encryption, policy] };
}

/**
 * Creates (or adopts) the bucket and uploads the model, or looks up an
 * object that is already there. Every path ends with the bucket, key,
 * version id and sha256 the handler needs to fetch and verify the model.
 */
export function createModelStore(name: string, r: ResolvedArgs, parent: pulumi.Resource): ModelStore {
    if (r.bundledModel) {
        return inImage(r.bundledModel.pathInImage, r.modelPath!);
    }
    let bucketName: pulumi.Output<string>;
    let bucketArn: pulumi.Output<string>;
    let settled: pulumi.Resource[] = [];
    if (r.modelBucketName === undefined) {
        const created = createPrivateBucket(name, r, parent);
        bucketName = created.bucket.bucket;
        bucketArn = created.bucket.arn;
        settled = created.settled;
    } else {
        // Looked up rather than formatted, so a wrong name fails at preview.
        const existing = aws.s3.getBucketOutput({ bucket: r.modelBucketName }, { parent });
        bucketName = existing.bucket;
        bucketArn = existing.arn;
    }

    if (r.modelPath !== undefined) {
        const key = pulumi.output(r.modelKey ?? `models/${path.basename(r.modelPath)}`);
        const object = new aws.s3.BucketObjectv2(
            `${name}-model`,
            {
                bucket: bucketName,
                key,
                source: new pulumi.asset.FileAsset(r.modelPath),
                contentType: "application/octet-stream",
                // S3 recomputes the checksum on receipt and rejects a corrupted upload.
                checksumAlgorithm: "SHA256",
                tags: r.tags,
            },
            { parent, dependsOn: settled },
        );
        const versionId = object.versionId.apply(normaliseVersionId);
        const modelPath = r.modelPath;
        const sha256 = pulumi
            .all([sha256File(modelPath), object.checksumSha256])
            .apply(([hex, received]) => confirmedSha256(modelPath, hex, received));
        return inS3(bucketName, bucketArn, key, versionId, sha256, [object]);
    }

    const key = pulumi.output(r.modelKey!);
    // Pins the version present at deploy time: a later upload rolls out only with the next deploy.
    const existing = aws.s3.getObjectOutput({ bucket: bucketName, key }, { parent });
    const versionId = existing.versionId.apply(normaliseVersionId);
    return inS3(bucketName, bucketArn, key, versionId, pulumi.output(r.modelSha256!), settled);
}
