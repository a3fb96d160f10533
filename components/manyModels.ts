// Many models behind one function (`models`): each model uploaded under a key of its own (or adopted where it
// is), and their list written as a manifest object beside them, which the function fetches and verifies at
// init like a model: Lambda's environment (4 KB in all) could not carry a hundred models' locations.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as crypto from "crypto";
import { ownOrAdoptedBucket } from "./bucket";
import { CONTRACT } from "./contract";
import { existing, inS3, ModelInS3Store, normaliseVersionId, uploadInto } from "./modelStore";
import { BuildContext, ModelSettings, SecuritySettings } from "./resolved";
import { bytesWithFiles } from "./validation/model";

/** Where the manifest goes in the model bucket: beside the models' own folders (`models/<name>/`). */
export const MANIFEST_KEY = "models/manifest.json";

/** A model's bytes on disk with the files beside it: what it takes of the memory budget. */
function bytesOf(model: ModelSettings): number {
    if (model.delivery === "existing") {
        return 0;
    }
    return bytesWithFiles(model.path, Object.keys(model.files));
}

/** One manifest item: what the app's repository reads (inference/repository.py). */
function itemOf(model: ModelSettings, store: ModelInS3Store, bytes: pulumi.Input<number>): pulumi.Output<object> {
    const files = store.environment[CONTRACT.environment.model.files] ?? "{}";
    return pulumi
        .all([store.bucketName, store.key, store.versionId, store.sha256, files, bytes])
        .apply(([bucket, key, versionId, sha256, filesJson, size]) => ({
            name: model.name,
            bucket,
            key,
            ...(versionId ? { versionId } : {}),
            sha256,
            format: model.format,
            bytes: size,
            files: JSON.parse(String(filesJson)),
        }));
}

/** The sha256 S3 confirmed for the manifest, which must be the one computed from its content. */
export function confirmedContent(content: string, checksumSha256: string): string {
    const digest = crypto.createHash("sha256").update(content);
    const hex = digest.copy().digest("hex");
    if (checksumSha256 !== digest.digest("base64")) {
        throw new Error(`S3 received another models' manifest than the one written (its sha256 is ${checksumSha256})`);
    }
    return hex;
}

/**
 * Every model where the function finds it, and the manifest that lists them. The role may read exactly the
 * models' objects (with the files beside them) and the manifest; the function is told only the manifest's
 * location and sha256 (MODELS_MANIFEST).
 */
export function createManyModelStore(
    name: string,
    models: ModelSettings[],
    adopted: pulumi.Input<string> | undefined,
    security: SecuritySettings,
    ctx: BuildContext,
): ModelInS3Store {
    const bucket = ownOrAdoptedBucket(`${name}-models`, adopted, security, ctx);
    const stores = models.map((model) => {
        if (model.delivery === "upload") {
            const store = uploadInto(`${name}-model-${model.name}`, model, bucket, ctx);
            return { store, bytes: pulumi.output(bytesOf(model)) };
        }
        if (model.delivery === "existing") {
            const found = existing(model, ctx);
            return { store: found, bytes: found.bytes ?? pulumi.output(0) };
        }
        throw new Error(`model ${model.name}: a function with many models takes them from S3`);
    });
    const content = pulumi
        .all(stores.map(({ store, bytes }, i) => itemOf(models[i], store, bytes)))
        .apply((items) => JSON.stringify({ models: items }));
    const manifest = new aws.s3.BucketObjectv2(
        `${name}-models-manifest`,
        {
            bucket: bucket.bucketName,
            key: MANIFEST_KEY,
            content,
            contentType: "application/json",
            checksumAlgorithm: "SHA256",
            tags: ctx.tags,
        },
        { parent: ctx.parent, dependsOn: bucket.settled },
    );
    const sha256 = pulumi.all([content, manifest.checksumSha256]).apply(([c, got]) => confirmedContent(c, got));
    const versionId = manifest.versionId.apply(normaliseVersionId);
    const store = inS3(bucket.bucketName, bucket.bucketArn, pulumi.output(MANIFEST_KEY), versionId, sha256, [
        manifest,
        ...stores.flatMap(({ store: s }) => s.dependencies),
    ]);
    return {
        ...store,
        // Only the manifest's location: the models' are in it.
        environment: {
            [CONTRACT.environment.model.manifest]: pulumi
                .all([bucket.bucketName, versionId, sha256])
                .apply(([b, v, s]) =>
                    JSON.stringify({ bucket: b, key: MANIFEST_KEY, ...(v ? { versionId: v } : {}), sha256: s }),
                ),
        },
        objectArns: pulumi
            .all([store.objectArns, ...stores.map(({ store: s }) => s.objectArns)])
            .apply((lists) => lists.flat()),
    };
}
