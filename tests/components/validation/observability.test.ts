import * as assert from "assert";
import { deploy, FIXTURE_MODEL, reasonsOf, rejected, warningsOf } from "../../harness";
import { one } from "../../mocks";

const FN = "aws:lambda/function:Function";

function variables(): { [name: string]: string } {
    return one(FN).inputs.environment.variables;
}

describe("dataCapture", () => {
    it("refuses a sample, a prefix, a buffer or a destination it cannot honour, naming each field", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            dataCapture: {
                samplingPercentage: 101,
                captureInputs: false,
                captureOutputs: false,
                prefix: "no-slash",
                maxBufferSeconds: 0,
                bucketName: "Not_A_Bucket",
            },
        });
        assert.deepStrictEqual(reasonsOf(error), [
            'dataCapture.prefix: must be a key prefix ending with "/" (or empty), without * or ?; got "no-slash"',
            "dataCapture.maxBufferSeconds: must be an integer from 1 to 3600; got 0",
            "dataCapture.samplingPercentage: must be a number from 0 to 100; got 101",
            "dataCapture.captureOutputs: captureInputs and captureOutputs are both false: the records would hold nothing to look at",
            'dataCapture.bucketName: must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens); got "Not_A_Bucket"',
        ]);
    });

    it("refuses a negative sample, a non-object, and a namespace CloudWatch refuses", async () => {
        let error = await rejected({ modelPath: FIXTURE_MODEL, dataCapture: { samplingPercentage: -1 } });
        assert.deepStrictEqual(reasonsOf(error), [
            "dataCapture.samplingPercentage: must be a number from 0 to 100; got -1",
        ]);
        error = await rejected({ modelPath: FIXTURE_MODEL, dataCapture: true as any, metricsNamespace: "AWS/Lambda" });
        assert.deepStrictEqual(reasonsOf(error), [
            'metricsNamespace: must not start with "AWS/", which CloudWatch keeps for AWS\'s own metrics; got "AWS/Lambda"',
            "dataCapture: must be an object; got true",
        ]);
    });

    it("refuses a destination that would let the function write over its own model", async () => {
        const error = await rejected({
            modelBucketName: "models",
            modelKey: "prod/model.onnx",
            modelSha256: "a".repeat(64),
            dataCapture: { bucketName: "models", prefix: "prod/" },
        });
        assert.deepStrictEqual(reasonsOf(error), [
            'dataCapture.prefix: would let the function write over its own model: "prod/" in the model\'s bucket models covers "prod/model.onnx"; choose a prefix the model is not under (or another bucket)',
        ]);
        // Another prefix of the same bucket is fine.
        await deploy({
            modelBucketName: "models",
            modelKey: "prod/model.onnx",
            modelSha256: "a".repeat(64),
            dataCapture: { bucketName: "models", prefix: "capture/" },
        });
        assert.strictEqual(variables().CAPTURE_URI, "s3://models/capture/");
    });

    it("warns that a Dockerfile of the user's own must add the extension", async () => {
        const warnings = await warningsOf(async () => {
            await deploy({ modelPath: FIXTURE_MODEL, dataCapture: {} });
            await deploy({ modelPath: FIXTURE_MODEL, dataCapture: {}, dockerfile: "Dockerfile" });
        });
        assert.deepStrictEqual(warnings, [
            'InferenceFunction "demo": dataCapture needs its Lambda extension in the image; the bundled app/Dockerfile adds it when the build argument DATA_CAPTURE is "on", and a Dockerfile of your own must do the same (put app/extension/lambda-inference-capture in /opt/extensions), or the records never leave the function\'s /tmp',
        ]);
    });
});
