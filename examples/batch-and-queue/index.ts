import * as path from "path";
import * as aws from "@pulumi/aws";
import { InferenceFunction } from "lambda-inference";

// Where the data sets to score arrive, and where queued requests may keep large inputs.
const data = new aws.s3.Bucket("scoring-data", { forceDestroy: true });

const scorer = new InferenceFunction("scorer", {
    modelPath: path.join(__dirname, "..", "..", "app", "model", "model.onnx"),
    // Leave half of it to synchronous callers; the queue may drive at most 10 invocations at once.
    reservedConcurrency: 50,
    // Messages carry their input (up to 1 MiB); the results land in the component's results bucket.
    asyncInference: { maximumConcurrency: 10 },
    batchTransform: {
        inputBucketName: data.bucket,
        inputPrefix: "nightly/",
        passthroughColumns: ["customer_id"],
        rowsPerBatch: 500,
        maxConcurrency: 20,
        toleratedFailurePercentage: 1,
    },
});

export const queueUrl = scorer.queueUrl;
export const deadLetterQueueUrl = scorer.deadLetterQueueUrl;
export const resultsBucket = scorer.outputBucketName;
export const stateMachineArn = scorer.stateMachineArn;
export const batchOutputUri = scorer.batchOutputUri;
