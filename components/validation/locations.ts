// S3 locations in the arguments: the shape of `s3://bucket/prefix/` and of a key prefix, and whether a
// place the function may write to covers its own model.
import { ModelSettings } from "../resolved";
import { isKnown, Problem } from "./problems";

/** S3's bucket naming rules: 3 to 63 lower-case letters, digits, dots and hyphens. */
const BUCKET = "[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]";
/** A bucket name, whole. */
export const BUCKET_NAME = new RegExp(`^${BUCKET}$`);
/** `s3://bucket/prefix/`: a bucket by S3's naming rules and a key prefix that is empty or ends with "/". */
const S3_PREFIX = new RegExp(`^s3://(${BUCKET})/((?:[^*?]*/)?)$`);
/** A key prefix: empty, or ending with "/", without the wildcards a policy would read as patterns. */
const KEY_PREFIX = /^(?:[^*?]*\/)?$/;

/** The bucket and prefix of an `s3://bucket/prefix/` location, or undefined when it is not one. */
export function parseS3Prefix(value: string): { bucket: string; prefix: string } | undefined {
    const match = S3_PREFIX.exec(value);
    return match ? { bucket: match[1], prefix: match[2] } : undefined;
}

export function prefixProblem(propertyPath: string, value: unknown): Problem[] {
    if (value === undefined || (typeof value === "string" && KEY_PREFIX.test(value) && !value.startsWith("/"))) {
        return [];
    }
    return [
        {
            propertyPath,
            reason: `must be a key prefix ending with "/" (or empty), without * or ?; got ${JSON.stringify(value)}`,
        },
    ];
}

/** The model's bucket and key as the arguments name them, when the model is an object in a named bucket. */
function modelObject(model: ModelSettings): { bucket: unknown; key: unknown } | undefined {
    switch (model.delivery) {
        case "existing":
            return { bucket: model.bucketName, key: model.key };
        case "upload":
            return model.adoptedBucket === undefined ? undefined : { bucket: model.adoptedBucket, key: model.key };
        case "image":
            return undefined;
    }
}

/**
 * A problem when the function may write under `prefix` of `bucket` and that covers its own model (it
 * could then put over the model, and with an unversioned bucket every later cold start would fail its
 * sha256 check). A key known only at deploy time counts as covered.
 */
export function modelCoverageProblem(
    propertyPath: string,
    bucket: unknown,
    prefix: string,
    model: ModelSettings | ModelSettings[] | undefined,
): Problem[] {
    if (Array.isArray(model)) {
        // Many models: none of them may be under the prefix.
        return model.flatMap((m) => modelCoverageProblem(propertyPath, bucket, prefix, m)).slice(0, 1);
    }
    const object = model && modelObject(model);
    if (object === undefined || !isKnown(bucket) || !isKnown(object.bucket) || bucket !== object.bucket) {
        return [];
    }
    const key = isKnown(object.key) ? String(object.key) : undefined;
    if (key !== undefined && !key.startsWith(prefix)) {
        return [];
    }
    return [
        {
            propertyPath,
            reason:
                `would let the function write over its own model: ${JSON.stringify(prefix)} in the model's ` +
                `bucket ${String(bucket)} covers ${key !== undefined ? JSON.stringify(key) : "the model's key"}; ` +
                "choose a prefix the model is not under (or another bucket)",
        },
    ];
}
