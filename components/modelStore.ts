import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CONTRACT } from "./contract";
import { adoptedBucket, BucketRef, ownOrAdoptedBucket } from "./bucket";
import * as path from "path";
import {
    BuildContext,
    ExistingModel,
    ModelCommon,
    ModelInImage,
    ModelSettings,
    SecuritySettings,
    UploadedModel,
} from "./resolved";

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
    /** The model's object and those of the files beside it (a text model's tokenizer.json, config.json). */
    objectArns: pulumi.Output<string[]>;
    /** S3 version id of the exact object to load ("" for an unversioned adopted bucket). */
    versionId: pulumi.Output<string>;
    sha256: pulumi.Output<string>;
    /** Resources the function must wait for (the object and, if created, the bucket's settings). */
    dependencies: pulumi.Resource[];
    /** An adopted object's size as S3 reports it (a function with many models budgets memory by it). */
    bytes?: pulumi.Output<number>;
}

/** Where the function finds its model, and how it checks it. */
export type ModelStore = ModelInImageStore | ModelInS3Store;

/** An object in S3: the location the function reads at init. */
export function inS3(
    bucketName: pulumi.Output<string>,
    bucketArn: pulumi.Output<string>,
    key: pulumi.Output<string>,
    versionId: pulumi.Output<string>,
    sha256: pulumi.Output<string>,
    dependencies: pulumi.Resource[],
    files: UploadedFile[] = [],
): ModelInS3Store {
    return {
        kind: "s3",
        // A new model changes these values, so Lambda starts fresh environments with it.
        environment: {
            [ENV.bucket]: bucketName,
            [ENV.key]: key,
            [ENV.versionId]: versionId,
            [ENV.sha256]: sha256,
            ...(files.length ? { [ENV.files]: filesVariable(files) } : {}),
        },
        bucketName,
        key,
        bucketArn,
        objectArn: pulumi.interpolate`${bucketArn}/${key}`,
        objectArns: pulumi
            .all([bucketArn, key, ...files.map((f) => f.key)])
            .apply(([arn, ...keys]) => keys.map((k) => `${arn}/${k}`)),
        versionId,
        sha256,
        dependencies,
    };
}

/** A file beside the model, uploaded with it: its name, key, version and confirmed sha256. */
interface UploadedFile {
    name: string;
    key: pulumi.Output<string>;
    versionId: pulumi.Input<string>;
    sha256: pulumi.Input<string>;
}

/** MODEL_FILES: each file's sha256 (and its S3 version), which the function verifies at init. */
function filesVariable(files: UploadedFile[]): pulumi.Output<string> {
    return pulumi
        .all(files.map((f) => pulumi.all([f.name, f.sha256, f.versionId])))
        .apply((rows) =>
            JSON.stringify(
                Object.fromEntries(
                    rows.map(([n, sha256, versionId]) => [n, versionId ? { sha256, versionId } : { sha256 }]),
                ),
            ),
        );
}

/** Where a file beside the model goes: beside the model's key. */
export function fileKey(modelKey: string, file: string): string {
    const slash = modelKey.lastIndexOf("/");
    return `${slash >= 0 ? modelKey.slice(0, slash + 1) : ""}${file}`;
}

/** The model baked into the image (modelDelivery "image"): a local path, no bucket, nothing for the role to read. */
function inImage(model: ModelInImage & ModelCommon): ModelInImageStore {
    const sha256 = pulumi.output(model.sha256);
    const files = Object.entries(model.files).map(([name, hex]) => ({
        name,
        key: pulumi.output(name),
        versionId: "",
        sha256: hex,
    }));
    return {
        kind: "image",
        environment: {
            [ENV.path]: model.pathInImage,
            [ENV.sha256]: sha256,
            ...(files.length ? { [ENV.files]: filesVariable(files) } : {}),
        },
        sha256,
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

/**
 * Uploads the model file (to the component's own private bucket, or one the user adopts); the sha256 the
 * function is told is the one hashed at the start of the deploy, once S3 confirmed it received exactly that.
 */
function upload(
    name: string,
    model: UploadedModel & ModelCommon,
    security: SecuritySettings,
    ctx: BuildContext,
): ModelInS3Store {
    return uploadInto(
        `${name}-model`,
        model,
        ownOrAdoptedBucket(`${name}-models`, model.adoptedBucket, security, ctx),
        ctx,
    );
}

/** The model and the files beside it, uploaded into a bucket already made (or adopted); `id` names the objects. */
export function uploadInto(
    id: string,
    model: UploadedModel & ModelCommon,
    { bucketName, bucketArn, settled }: BucketRef,
    ctx: BuildContext,
): ModelInS3Store {
    const key = pulumi.output(model.key);
    const put = (id: string, objectKey: pulumi.Output<string>, file: string, hex: string) => {
        const object = new aws.s3.BucketObjectv2(
            id,
            {
                bucket: bucketName,
                key: objectKey,
                source: new pulumi.asset.FileAsset(file),
                contentType: "application/octet-stream",
                // S3 recomputes the checksum on receipt and rejects a corrupted upload.
                checksumAlgorithm: "SHA256",
                tags: ctx.tags,
            },
            { parent: ctx.parent, dependsOn: settled },
        );
        const versionId = object.versionId.apply(normaliseVersionId);
        return { object, versionId, sha256: object.checksumSha256.apply((got) => confirmedSha256(file, hex, got)) };
    };
    const model0 = put(id, key, model.path, model.sha256);
    // Each file beside the model goes beside its key, uploaded and confirmed as it is.
    const files = Object.entries(model.files).map(([file, hex]) => {
        const fileKeyOf = key.apply((k) => fileKey(k, file));
        const uploaded = put(
            `${id}-${file.replace(/[^A-Za-z0-9-]/g, "-")}`,
            fileKeyOf,
            path.join(path.dirname(model.path), file),
            hex,
        );
        return { name: file, key: fileKeyOf, ...uploaded };
    });
    const objects = [model0.object, ...files.map((f) => f.object)];
    return inS3(bucketName, bucketArn, key, model0.versionId, model0.sha256, objects, files);
}

/** An object already in S3, pinned at the version present at deploy time: a later upload rolls out only with the next deploy. */
export function existing(model: ExistingModel, ctx: BuildContext): ModelInS3Store {
    const { bucketName, bucketArn } = adoptedBucket(model.bucketName, ctx);
    const key = pulumi.output(model.key);
    const object = aws.s3.getObjectOutput({ bucket: bucketName, key }, { parent: ctx.parent });
    const versionId = object.versionId.apply(normaliseVersionId);
    return {
        ...inS3(bucketName, bucketArn, key, versionId, pulumi.output(model.sha256), []),
        bytes: object.contentLength,
    };
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
