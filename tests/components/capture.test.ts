import * as assert from "assert";
import { deploy, FIXTURE_MODEL, KMS_KEY, PRIVATE_BUCKET_SETTINGS, rolePolicyOf } from "../harness";
import { dependenciesOf, ofType, one, valueOf } from "../mocks";

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
});
