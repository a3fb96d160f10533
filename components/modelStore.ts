import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT } from "./contract";
import { adoptedBucket, ownOrAdoptedBucket } from "./bucket";
import { BuildContext, ExistingModel, ModelInImage, ModelSettings, SecuritySettings, UploadedModel } from "./resolved";

const ENV = CONTRACT.environment.model;

/** The model baked into the image: a path inside it and the sha256 to verify, nothing for the role to read. */
export interface ModelInImageStore {
    kind: "image";
    /** MODEL_PATH and MODEL_SHA256: where the model is in the image and what it must hash to. */
    environment: { [name: string]: pulumi.Input<string> };
    sha256: pulumi.Output<string>;
}

/** A model object in S3: the one object (and version) the function reads at init and the role may read. */
export interface ModelInS3Store {
    kind: "s3";
    /** The MODEL_* variables that tell the function where its model is and what it must hash to. */
    environment: { [name: string]: pulumi.Input<string> };
    bucketName: pulumi.Output<string>;
    key: pulumi.Output<string>;
    bucketArn: pulumi.Output<string>;
    /** The bucket and key as the policy needs them. */
    objectArn: pulumi.Output<string>;
    /** S3 version id of the exact object to load ("" for an unversioned adopted bucket). */
    versionId: pulumi.Output<string>;
    sha256: pulumi.Output<string>;
    /** Resources the function must wait for (the object and, if created, the bucket's settings). */
    dependencies: pulumi.Resource[];
}

/** Where the function finds its model, and how it checks it. */
export type ModelStore = ModelInImageStore | ModelInS3Store;

/** An object in S3: the location the function reads at init. */
function inS3(
    bucketName: pulumi.Output<string>,
    bucketArn: pulumi.Output<string>,
    key: pulumi.Output<string>,
    versionId: pulumi.Output<string>,
    sha256: pulumi.Output<string>,
    dependencies: pulumi.Resource[],
): ModelInS3Store {
    return {
        kind: "s3",
        // A new model changes these values, so Lambda starts fresh environments with it.
        environment: {
            [ENV.bucket]: bucketName,
            [ENV.key]: key,
            [ENV.versionId]: versionId,
            [ENV.sha256]: sha256,
        },
        bucketName,
        key,
        bucketArn,
        objectArn: pulumi.interpolate`${bucketArn}/${key}`,
        versionId,
        sha256,
        dependencies,
    };
}

/** The model baked into the image (modelDelivery "image"): a local path, no bucket, nothing for the role to read. */
function inImage(model: ModelInImage): ModelInImageStore {
    const sha256 = pulumi.output(model.sha256);
    return { kind: "image", environment: { [ENV.path]: model.pathInImage, [ENV.sha256]: sha256 }, sha256 };
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

/**
 * Uploads the model file (to the component's own private bucket, or one the user adopts); the sha256 the
 * function is told is the one hashed at the start of the deploy, once S3 confirmed it received exactly that.
 */
function upload(name: string, model: UploadedModel, security: SecuritySettings, ctx: BuildContext): ModelInS3Store {
    const { bucketName, bucketArn, settled } = ownOrAdoptedBucket(`${name}-models`, model.adoptedBucket, security, ctx);
    const key = pulumi.output(model.key);
    const object = new aws.s3.BucketObjectv2(
        `${name}-model`,
        {
            bucket: bucketName,
            key,
            source: new pulumi.asset.FileAsset(model.path),
            contentType: "application/octet-stream",
            // S3 recomputes the checksum on receipt and rejects a corrupted upload.
            checksumAlgorithm: "SHA256",
            tags: ctx.tags,
        },
        { parent: ctx.parent, dependsOn: settled },
    );
    const versionId = object.versionId.apply(normaliseVersionId);
    const sha256 = object.checksumSha256.apply((received) => confirmedSha256(model.path, model.sha256, received));
    return inS3(bucketName, bucketArn, key, versionId, sha256, [object]);
}

/** An object already in S3, pinned at the version present at deploy time: a later upload rolls out only with the next deploy. */
function existing(model: ExistingModel, ctx: BuildContext): ModelInS3Store {
    const { bucketName, bucketArn } = adoptedBucket(model.bucketName, ctx);
    const key = pulumi.output(model.key);
    const object = aws.s3.getObjectOutput({ bucket: bucketName, key }, { parent: ctx.parent });
    const versionId = object.versionId.apply(normaliseVersionId);
    return inS3(bucketName, bucketArn, key, versionId, pulumi.output(model.sha256), []);
}

/**
 * Where the function finds its model: in the image, uploaded to a bucket, or
 * an object that is already there. Every S3 path ends with the bucket, key,
 * version id and sha256 the handler needs to fetch and verify the model.
 */
export function createModelStore(
    name: string,
    model: ModelSettings,
    security: SecuritySettings,
    ctx: BuildContext,
): ModelStore {
    switch (model.delivery) {
        case "image":
            return inImage(model);
        case "upload":
            return upload(name, model, security, ctx);
        case "existing":
            return existing(model, ctx);
    }
}
