// The jobs area: queued inference (SQS) and batch transform (Step Functions).
import { AsyncInferenceArgs, BatchTransformArgs, InferenceFunctionArgs } from "../args";
import { CONTRACT } from "../contract";
import { BATCH_FORMATS, DEFAULTS, QUEUES } from "../defaults";
import { AsyncSettings, BatchSettings, ComputeSettings, JobsSettings, ModelSettings } from "../resolved";
import { modelCoverageProblem, parseS3Prefix, prefixProblem } from "./locations";
import { Area, area, checked, integerProblem, numberProblem, objectProblem, oneOfProblem, Problem } from "./problems";

function asyncProblems(
    q: AsyncInferenceArgs,
    timeout: number,
    model: ModelSettings | ModelSettings[] | undefined,
): Problem[] {
    const at = (field: string) => `asyncInference.${field}`;
    const problems = [
        ...integerProblem(at("batchSize"), q.batchSize, 1, 10000),
        ...integerProblem(at("maximumBatchingWindowSeconds"), q.maximumBatchingWindowSeconds, 0, 300),
        ...integerProblem(at("maximumConcurrency"), q.maximumConcurrency, 2, 1000),
        ...integerProblem(at("maxReceiveCount"), q.maxReceiveCount, 1, 1000),
        ...integerProblem(
            at("visibilityTimeoutSeconds"),
            q.visibilityTimeoutSeconds,
            0,
            QUEUES.maxVisibilityTimeoutSeconds,
        ),
        ...integerProblem(
            at("messageRetentionSeconds"),
            q.messageRetentionSeconds,
            60,
            QUEUES.deadLetterRetentionSeconds - QUEUES.deadLetterMarginSeconds,
            " (at least 3 days below the dead-letter queue's 14, which count from the same first send)",
        ),
        ...prefixProblem(at("outputPrefix"), q.outputPrefix),
        ...modelCoverageProblem(
            at("outputPrefix"),
            q.outputBucketName,
            q.outputPrefix ?? DEFAULTS.asyncInference.outputPrefix,
            model,
        ),
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

function batchProblems(
    b: BatchTransformArgs,
    maxBatchRows: number,
    model: ModelSettings | ModelSettings[] | undefined,
): Problem[] {
    const at = (field: string) => `batchTransform.${field}`;
    const problems = [
        ...oneOfProblem(at("inputFormat"), b.inputFormat, Object.keys(BATCH_FORMATS)),
        ...prefixProblem(at("inputPrefix"), b.inputPrefix),
        ...prefixProblem(at("outputPrefix"), b.outputPrefix),
        ...modelCoverageProblem(
            at("outputPrefix"),
            b.outputBucketName,
            b.outputPrefix ?? DEFAULTS.batchTransform.outputPrefix,
            model,
        ),
        ...integerProblem(at("rowsPerBatch"), b.rowsPerBatch, 1, maxBatchRows, ` (the function's MAX_BATCH_ROWS)`),
        ...integerProblem(at("maxBytesPerBatch"), b.maxBytesPerBatch, 1024, 262144, " bytes"),
        ...integerProblem(at("maxConcurrency"), b.maxConcurrency, 1, 10000),
        ...numberProblem(at("toleratedFailurePercentage"), b.toleratedFailurePercentage, 0, 100),
    ];
    if (b.inputBucketName === undefined) {
        problems.push({ propertyPath: at("inputBucketName"), reason: "is required: the bucket the data sets are in" });
    }
    const columns = b.passthroughColumns;
    const most = CONTRACT.batch.maxPassthroughColumns;
    if (
        columns !== undefined &&
        !(Array.isArray(columns) && columns.length <= most && columns.every((c) => typeof c === "string" && c !== ""))
    ) {
        problems.push({
            propertyPath: at("passthroughColumns"),
            reason: `must be a list of at most ${most} column names; got ${JSON.stringify(columns)}`,
        });
    } else if (columns !== undefined && new Set(columns).size !== columns.length) {
        problems.push({ propertyPath: at("passthroughColumns"), reason: "names a column more than once" });
    }
    return problems;
}

/** The most rows the function takes in one request, as `environment` may set it (the default otherwise). */
export function maxBatchRowsOf(environment: { [key: string]: unknown } | undefined): number {
    const limit = CONTRACT.environment.limits.maxBatchRows;
    const raw = environment?.[limit.name];
    const value = typeof raw === "string" ? Number(raw) : NaN;
    return Number.isInteger(value) && value > 0 ? value : limit.default;
}

function asyncOf(q: AsyncInferenceArgs, timeout: number): AsyncSettings {
    const d = DEFAULTS.asyncInference;
    const batchSize = q.batchSize ?? d.batchSize;
    return {
        batchSize,
        // SQS requires a window of at least a second for batches above 10.
        batchingWindowSeconds: q.maximumBatchingWindowSeconds ?? (batchSize > 10 ? 1 : d.maximumBatchingWindowSeconds),
        maximumConcurrency: q.maximumConcurrency,
        maxReceiveCount: q.maxReceiveCount ?? d.maxReceiveCount,
        visibilityTimeoutSeconds:
            q.visibilityTimeoutSeconds ??
            Math.min(timeout * QUEUES.visibilityTimeoutFactor, QUEUES.maxVisibilityTimeoutSeconds),
        messageRetentionSeconds: q.messageRetentionSeconds ?? d.messageRetentionSeconds,
        output: { bucket: q.outputBucketName, prefix: q.outputPrefix ?? d.outputPrefix },
        inputPrefixes: (q.inputPrefixes ?? []).map((p) => checked("asyncInference.inputPrefixes", parseS3Prefix(p))),
    };
}

function batchOf(b: BatchTransformArgs, namesModel: boolean): BatchSettings {
    const d = DEFAULTS.batchTransform;
    return {
        inputBucket: b.inputBucketName,
        inputPrefix: b.inputPrefix ?? "",
        format: (b.inputFormat ?? d.inputFormat) as "csv" | "jsonl",
        output: { bucket: b.outputBucketName, prefix: b.outputPrefix ?? d.outputPrefix },
        rowsPerBatch: b.rowsPerBatch ?? d.rowsPerBatch,
        maxBytesPerBatch: b.maxBytesPerBatch ?? d.maxBytesPerBatch,
        maxConcurrency: b.maxConcurrency ?? d.maxConcurrency,
        toleratedFailurePercentage: b.toleratedFailurePercentage ?? d.toleratedFailurePercentage,
        passthroughColumns: b.passthroughColumns ?? [],
        namesModel,
    };
}

/** Queued inference and batch transform, judged against the function's timeout and request limits. */
export function jobsArea(
    a: InferenceFunctionArgs,
    compute: ComputeSettings | undefined,
    model: ModelSettings | ModelSettings[] | undefined,
): Area<JobsSettings> {
    const q = a.asyncInference;
    const b = a.batchTransform;
    const qShape = q === undefined ? [] : objectProblem("asyncInference", q);
    const bShape = b === undefined ? [] : objectProblem("batchTransform", b);
    const problems = [...qShape, ...bShape];
    // The timeout and the environment's limits are the compute area's; when they are wrong, it says so.
    if (compute === undefined) {
        return { problems };
    }
    if (q !== undefined && qShape.length === 0) {
        problems.push(...asyncProblems(q, compute.timeout, model));
    }
    if (b !== undefined && bShape.length === 0) {
        problems.push(...batchProblems(b, maxBatchRowsOf(compute.environment), model));
    }
    return area(problems, () => ({
        async: q && asyncOf(q, compute.timeout),
        batch: b && batchOf(b, a.models !== undefined),
    }));
}
