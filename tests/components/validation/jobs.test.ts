import * as assert from "assert";
import { FIXTURE_MODEL, reasonsOf, rejected } from "../../harness";

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
