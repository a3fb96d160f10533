// Where the model is (a private bucket, or the image) and who may read it.
import { CONTRACT } from "../../components/contract";
import { MODEL_ENV_NAMES } from "../../components/defaults";
import { Check, find, json, pass, Planned } from "../types";

/** The model bucket and object (modelDelivery "s3"). */
export function s3ModelChecks({ resources, repo, env, policies }: Planned): Check[] {
    const pab = find(resources, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")?.inputs ?? {};
    const bucketPolicy = json(find(resources, "aws:s3/bucketPolicy:BucketPolicy")?.inputs.policy);
    const modelRead = json(policies.find((p) => p.name.includes("-model-read"))?.inputs.policy)?.Statement?.[0];
    const objects = resources.filter((r) => r.type === "aws:s3/bucketObjectv2:BucketObjectv2").map((r) => r.inputs);
    const object = objects[0];
    // The model's object, and each file beside it (a text model's tokenizer): exact keys, no wildcard.
    const readable = [modelRead?.Resource].flat();
    const keys = [object?.key ?? env.MODEL_KEY, ...objects.slice(1).map((o) => o.key)];
    return [
        pass(
            "model bucket blocks all public access",
            ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"].every(
                (k) => pab[k] === true,
            ),
        ),
        pass(
            "model bucket enforces the owner (no ACLs)",
            find(resources, "aws:s3/bucketOwnershipControls:BucketOwnershipControls")?.inputs.rule?.objectOwnership ===
                "BucketOwnerEnforced",
        ),
        pass(
            "model bucket is versioned",
            find(resources, "aws:s3/bucketVersioning:BucketVersioning")?.inputs.versioningConfiguration?.status ===
                "Enabled",
        ),
        pass(
            "model bucket is encrypted",
            !!find(resources, "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"),
        ),
        pass(
            "model bucket refuses non-TLS requests",
            bucketPolicy?.Statement?.some(
                (s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
            ) === true,
        ),
        pass(
            "deletion protection kept (forceDestroy off)",
            repo.forceDelete === false && find(resources, "aws:s3/bucket:Bucket")?.inputs.forceDestroy === false,
        ),
        pass(
            "model upload checksummed by S3 and compared with the file's sha256",
            objects.length > 0 && objects.every((o) => o.checksumAlgorithm === "SHA256"),
        ),
        pass(
            objects.length > 1
                ? "role reads only the model's objects (the model, the files beside it)"
                : "role reads only the model object",
            modelRead !== undefined &&
                readable.length === keys.length &&
                readable.every((r) => typeof r === "string" && !r.includes("*")) &&
                keys.every((k) => readable.some((r) => String(r).endsWith(`/${k}`))),
            readable.join(", "),
        ),
        pass(
            "function gets the model's location and identity",
            MODEL_ENV_NAMES.every((k) => k in env) || CONTRACT.environment.model.manifest in env,
            env.MODEL_SHA256
                ? `MODEL_SHA256=${env.MODEL_SHA256}`
                : "MODELS_MANIFEST: the models' manifest and its sha256",
        ),
    ];
}

/** The model baked into the image (modelDelivery "image"). */
export function imageModelChecks({ resources, repo, image, env, statements }: Planned): Check[] {
    return [
        pass(
            "model built into the image from its own build context",
            image.context?.named?.model?.location !== undefined && /-bundled$/.test(image.target ?? ""),
            String(image.target),
        ),
        pass(
            "function verifies the model in the image against its sha256",
            typeof env.MODEL_PATH === "string" && /^[0-9a-f]{64}$|known after deploy/.test(String(env.MODEL_SHA256)),
            `MODEL_SHA256=${env.MODEL_SHA256}`,
        ),
        pass(
            "role has no S3 access and no bucket exists",
            !statements.some((s: any) => [s.Action].flat().some((a: string) => a.startsWith("s3:"))) &&
                !find(resources, "aws:s3/bucket:Bucket"),
        ),
        pass("deletion protection kept (forceDestroy off)", repo.forceDelete === false),
    ];
}
