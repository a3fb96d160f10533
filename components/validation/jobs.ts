import { AsyncInferenceArgs, BatchTransformArgs } from "../args";
import { CONTRACT } from "../contract";
import { BATCH_FORMATS, DEFAULTS } from "../defaults";
import { Check, integerProblem, oneOfProblem, Problem } from "./problems";

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

export function objectProblem(propertyPath: string, value: unknown): Problem[] {
    return typeof value === "object" && value !== null && !Array.isArray(value)
        ? []
        : [{ propertyPath, reason: `must be an object; got ${JSON.stringify(value)}` }];
}

function checkAsync(q: AsyncInferenceArgs, timeout: number): Problem[] {
    const at = (field: string) => `asyncInference.${field}`;
    const problems = [
        ...integerProblem(at("batchSize"), q.batchSize, 1, 10000),
        ...integerProblem(at("maximumBatchingWindowSeconds"), q.maximumBatchingWindowSeconds, 0, 300),
        ...integerProblem(at("maximumConcurrency"), q.maximumConcurrency, 2, 1000),
        ...integerProblem(at("maxReceiveCount"), q.maxReceiveCount, 1, 1000),
        ...integerProblem(at("visibilityTimeoutSeconds"), q.visibilityTimeoutSeconds, 0, 43200),
        ...integerProblem(at("messageRetentionSeconds"), q.messageRetentionSeconds, 60, 1209600),
        ...prefixProblem(at("outputPrefix"), q.outputPrefix),
    ];
    if ((q.batchSize ?? 0) > 10 && q.maximumBatchingWindowSeconds === 0) {
        problems.push({
            propertyPath: at("maximumBatchingWindowSeconds"),
            reason: "must be at least 1 with a batchSize above 10 (SQS event source mappings require it)",
        });
    }
    const visibility = q.visibilityTimeoutSeconds;
    if (typeof visibility === "number" && Number.isInteger(visibility) && visibility < timeout) {
        problems.push({
            propertyPath: at("visibilityTimeoutSeconds"),
            reason: `must be at least the function's timeout (${timeout} s), or a message is delivered again while it is being answered; got ${visibility}`,
        });
    }
    const prefixes = q.inputPrefixes;
    if (prefixes !== undefined && !Array.isArray(prefixes)) {
        problems.push({ propertyPath: at("inputPrefixes"), reason: "must be a list of s3://bucket/prefix/ locations" });
    }
    (Array.isArray(prefixes) ? prefixes : []).forEach((p, i) => {
        if (typeof p !== "string" || parseS3Prefix(p) === undefined) {
            problems.push({
                propertyPath: at(`inputPrefixes[${i}]`),
                reason: `must be an s3://bucket/prefix/ location (the prefix ends with "/", no * or ?); got ${JSON.stringify(p)}`,
            });
        }
    });
    return problems;
}

function checkBatch(b: BatchTransformArgs, maxBatchRows: number): Problem[] {
    const at = (field: string) => `batchTransform.${field}`;
    const problems = [
        ...oneOfProblem(at("inputFormat"), b.inputFormat, Object.keys(BATCH_FORMATS)),
        ...prefixProblem(at("inputPrefix"), b.inputPrefix),
        ...prefixProblem(at("outputPrefix"), b.outputPrefix),
        ...integerProblem(at("rowsPerBatch"), b.rowsPerBatch, 1, maxBatchRows, ` (the function's MAX_BATCH_ROWS)`),
        ...integerProblem(at("maxBytesPerBatch"), b.maxBytesPerBatch, 1024, 262144, " bytes"),
        ...integerProblem(at("maxConcurrency"), b.maxConcurrency, 1, 10000),
    ];
    if (b.inputBucketName === undefined) {
        problems.push({ propertyPath: at("inputBucketName"), reason: "is required: the bucket the data sets are in" });
    }
    const tolerated = b.toleratedFailurePercentage;
    if (tolerated !== undefined && !(typeof tolerated === "number" && tolerated >= 0 && tolerated <= 100)) {
        problems.push({
            propertyPath: at("toleratedFailurePercentage"),
            reason: `must be a number from 0 to 100; got ${JSON.stringify(tolerated)}`,
        });
    }
    const columns = b.passthroughColumns;
    if (
        columns !== undefined &&
        !(Array.isArray(columns) && columns.length <= 32 && columns.every((c) => typeof c === "string" && c !== ""))
    ) {
        problems.push({
            propertyPath: at("passthroughColumns"),
            reason: `must be a list of at most 32 column names; got ${JSON.stringify(columns)}`,
        });
    } else if (columns !== undefined && new Set(columns).size !== columns.length) {
        problems.push({ propertyPath: at("passthroughColumns"), reason: "names a column more than once" });
    }
    return problems;
}

/** The most rows the function takes in one request, as `environment` may set it (the default otherwise). */
export function maxBatchRowsOf(environment: { [key: string]: unknown } | undefined, fallback: number): number {
    const raw = environment?.[CONTRACT.environment.limits.maxBatchRows.name];
    const value = typeof raw === "string" ? Number(raw) : NaN;
    return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Queued inference and batch transform. */
export const checkJobs: Check = (a) => {
    const problems: Problem[] = [];
    const timeout = typeof a.timeout === "number" ? a.timeout : DEFAULTS.timeout;
    if (a.asyncInference !== undefined) {
        const shape = objectProblem("asyncInference", a.asyncInference);
        problems.push(...(shape.length ? shape : checkAsync(a.asyncInference, timeout)));
    }
    if (a.batchTransform !== undefined) {
        const shape = objectProblem("batchTransform", a.batchTransform);
        const rows = maxBatchRowsOf(a.environment, CONTRACT.environment.limits.maxBatchRows.default);
        problems.push(...(shape.length ? shape : checkBatch(a.batchTransform, rows)));
    }
    return problems;
};
