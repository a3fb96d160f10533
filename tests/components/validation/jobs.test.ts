import * as assert from "assert";
import { deploy, FIXTURE_MODEL, reasonsOf, rejected } from "../../harness";

describe("asyncInference", () => {
    it("refuses what SQS and Lambda refuse, naming each field, before any resource", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            asyncInference: {
                batchSize: 20,
                maximumBatchingWindowSeconds: 0,
                maximumConcurrency: 1,
                visibilityTimeoutSeconds: 10,
                outputPrefix: "no-slash",
                inputPrefixes: ["s3://ok-bucket/data/", "https://x/", "s3://b/no-slash"],
            },
        });
        assert.deepStrictEqual(reasonsOf(error), [
            "asyncInference.maximumConcurrency: must be an integer from 2 to 1000; got 1",
            'asyncInference.outputPrefix: must be a key prefix ending with "/" (or empty), without * or ?; got "no-slash"',
            "asyncInference.maximumBatchingWindowSeconds: must be at least 1 with a batchSize above 10 (SQS event source mappings require it)",
            "asyncInference.visibilityTimeoutSeconds: must be at least the function's timeout (30 s), or a message is delivered again while it is being answered; got 10",
            'asyncInference.inputPrefixes[1]: must be an s3://bucket/prefix/ location (the prefix ends with "/", no * or ?); got "https://x/"',
            'asyncInference.inputPrefixes[2]: must be an s3://bucket/prefix/ location (the prefix ends with "/", no * or ?); got "s3://b/no-slash"',
        ]);
    });
});

describe("batchTransform", () => {
    it("refuses batches beyond what the function and Step Functions take, naming each field", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            environment: { MAX_BATCH_ROWS: "200" },
            batchTransform: {
                inputBucketName: "data-lake",
                inputFormat: "parquet",
                rowsPerBatch: 500,
                maxBytesPerBatch: 300000,
                toleratedFailurePercentage: 101,
                passthroughColumns: ["id", "id"],
            },
        });
        assert.deepStrictEqual(reasonsOf(error), [
            'batchTransform.inputFormat: must be one of "csv", "jsonl"; got "parquet"',
            "batchTransform.rowsPerBatch: must be an integer from 1 to 200 (the function's MAX_BATCH_ROWS); got 500",
            "batchTransform.maxBytesPerBatch: must be an integer from 1024 to 262144 bytes; got 300000",
            "batchTransform.toleratedFailurePercentage: must be a number from 0 to 100; got 101",
            "batchTransform.passthroughColumns: names a column more than once",
        ]);
        const missing = await rejected({ modelPath: FIXTURE_MODEL, batchTransform: {} as any });
        assert.deepStrictEqual(
            missing.errors.map((e) => e.propertyPath),
            ["batchTransform.inputBucketName"],
        );
    });
});

describe("the jobs' outputs and retention", () => {
    const adopted = { modelBucketName: "models", modelKey: "prod/model.onnx", modelSha256: "a".repeat(64) };

    it("refuses an output that would let the function write over its own model, as capture's", async () => {
        const error = await rejected({
            ...adopted,
            asyncInference: { outputBucketName: "models", outputPrefix: "" },
            batchTransform: { inputBucketName: "data", outputBucketName: "models", outputPrefix: "prod/" },
        });
        const covers = (prefix: string) =>
            `would let the function write over its own model: "${prefix}" in the model's bucket models covers "prod/model.onnx"; choose a prefix the model is not under (or another bucket)`;
        assert.deepStrictEqual(reasonsOf(error), [
            `asyncInference.outputPrefix: ${covers("")}`,
            `batchTransform.outputPrefix: ${covers("prod/")}`,
        ]);
        // Another prefix of the same bucket is fine; so is an uploaded model's own key in an adopted bucket.
        await deploy({
            ...adopted,
            asyncInference: { outputBucketName: "models" },
            batchTransform: { inputBucketName: "data", outputBucketName: "models" },
        });
        const uploaded = await rejected({
            modelPath: FIXTURE_MODEL,
            modelBucketName: "models",
            asyncInference: { outputBucketName: "models", outputPrefix: "models/" },
        });
        assert.deepStrictEqual(reasonsOf(uploaded), [
            'asyncInference.outputPrefix: would let the function write over its own model: "models/" in the model\'s bucket models covers "models/model.joblib"; choose a prefix the model is not under (or another bucket)',
        ]);
    });

    it("keeps messages at least 3 days shorter than the dead-letter queue, which counts from the same send", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            asyncInference: { messageRetentionSeconds: 1209600 },
        });
        assert.deepStrictEqual(reasonsOf(error), [
            "asyncInference.messageRetentionSeconds: must be an integer from 60 to 950400 (at least 3 days below the dead-letter queue's 14, which count from the same first send); got 1209600",
        ]);
        await deploy({ modelPath: FIXTURE_MODEL, asyncInference: { messageRetentionSeconds: 950400 } });
    });
});
