import * as assert from "assert";
import {
    deploy,
    FIXTURE_MODEL,
    KMS_KEY,
    PRIVATE_BUCKET_SETTINGS,
    reasonsOf,
    rejected,
    rolePolicyOf,
    warningsOf,
} from "./harness";
import { dependenciesOf, ofType, one, valueOf } from "./mocks";

const FN = "aws:lambda/function:Function";
const POLICY = "aws:iam/rolePolicy:RolePolicy";
const IMAGE = "docker-build:index:Image";

function variables(): { [name: string]: string } {
    return one(FN).inputs.environment.variables;
}

describe("dataCapture", () => {
    it("is off by default: no bucket, no setting, no extension in the image, no permission", async () => {
        const fn = await deploy({ modelPath: FIXTURE_MODEL });
        assert.deepStrictEqual(
            Object.keys(variables()).filter((k) => k.startsWith("CAPTURE_")),
            [],
        );
        assert.strictEqual(one(IMAGE).inputs.buildArgs?.DATA_CAPTURE, undefined);
        assert.strictEqual(ofType("aws:s3/bucket:Bucket").filter((b) => b.name === "demo-capture").length, 0);
        assert.strictEqual(ofType(POLICY).filter((p) => p.name.startsWith("demo-role-capture")).length, 0);
        assert.strictEqual(fn.dataCaptureUri, undefined);
    });

    it("creates a hardened bucket, adds the extension, and lets the role only put records under the prefix", async () => {
        const fn = await deploy({ modelPath: FIXTURE_MODEL, dataCapture: {} });
        assert.strictEqual(one(IMAGE).inputs.buildArgs.DATA_CAPTURE, "on");
        for (const type of PRIVATE_BUCKET_SETTINGS) {
            assert.strictEqual(ofType(type).filter((r) => r.name.startsWith("demo-capture-")).length, 1, type);
        }
        assert.deepStrictEqual(
            one(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "demo-capture-encryption",
            ).inputs.rules[0].applyServerSideEncryptionByDefault,
            { sseAlgorithm: "AES256" },
        );
        const env = variables();
        assert.deepStrictEqual(Object.fromEntries(Object.entries(env).filter(([k]) => k.startsWith("CAPTURE_"))), {
            CAPTURE_URI: "s3://demo-capture-1a2b3c/capture/",
            CAPTURE_SAMPLING_PERCENTAGE: "100",
            CAPTURE_CONTENT: "inputs,outputs",
            CAPTURE_MAX_SECONDS: "60",
        });
        assert.deepStrictEqual(rolePolicyOf("demo-role-capture-write"), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "PutCaptureRecords",
                    Effect: "Allow",
                    Action: ["s3:PutObject"],
                    Resource: "arn:aws:s3:::demo-capture-1a2b3c/capture/*",
                },
            ],
        });
        assert.strictEqual(ofType(POLICY).filter((p) => p.name === "demo-role-capture-kms").length, 0);
        // The first records may only land once the bucket is locked down and the role may write.
        const after = dependenciesOf(FN, "demo-fn");
        for (const needed of [
            `${POLICY}::demo-role-capture-write`,
            "aws:s3/bucketPolicy:BucketPolicy::demo-capture-policy",
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::demo-capture-public-access",
        ]) {
            assert.ok(after.includes(needed), needed);
        }
        assert.strictEqual(await valueOf(fn.dataCaptureUri), "s3://demo-capture-1a2b3c/capture/");
    });

    it("takes a bucket of the user's, a prefix, a sample, outputs only and a buffer time", async () => {
        const fn = await deploy({
            modelPath: FIXTURE_MODEL,
            dataCapture: {
                bucketName: "ml-capture",
                prefix: "fraud/v2/",
                samplingPercentage: 12.5,
                captureInputs: false,
                maxBufferSeconds: 300,
            },
        });
        assert.strictEqual(ofType("aws:s3/bucket:Bucket").filter((b) => b.name === "demo-capture").length, 0);
        const env = variables();
        assert.deepStrictEqual(
            [env.CAPTURE_URI, env.CAPTURE_SAMPLING_PERCENTAGE, env.CAPTURE_CONTENT, env.CAPTURE_MAX_SECONDS],
            ["s3://ml-capture/fraud/v2/", "12.5", "outputs", "300"],
        );
        assert.deepStrictEqual(
            rolePolicyOf("demo-role-capture-write").Statement[0].Resource,
            "arn:aws:s3:::ml-capture/fraud/v2/*",
        );
        assert.strictEqual(await valueOf(fn.dataCaptureUri), "s3://ml-capture/fraud/v2/");
    });

    it("with a customer-managed key: the bucket encrypts with it, and the role uses it only through S3", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, kmsKeyArn: KMS_KEY, dataCapture: {} });
        assert.deepStrictEqual(
            one(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "demo-capture-encryption",
            ).inputs.rules[0].applyServerSideEncryptionByDefault,
            { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY },
        );
        assert.deepStrictEqual(rolePolicyOf("demo-role-capture-kms").Statement, [
            {
                Sid: "UseKeyThroughJobServices",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: KMS_KEY,
                Condition: { StringEquals: { "kms:ViaService": ["s3.us-east-1.amazonaws.com"] } },
            },
        ]);
    });

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

    it("the environment may not set capture's variables", async () => {
        const error = await rejected({ modelPath: FIXTURE_MODEL, environment: { CAPTURE_URI: "s3://x/" } });
        assert.deepStrictEqual(
            error.errors.map((e) => e.propertyPath),
            ["environment.CAPTURE_URI"],
        );
    });
});
