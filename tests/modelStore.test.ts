import * as assert from "assert";
import { deploy, FIXTURE_MODEL, FIXTURE_SHA256, FUNCTION_SETTINGS, modelReadName } from "./harness";
import { dependenciesOf, EXISTING_OBJECT_VERSION, mocks, ofType, one, valueOf } from "./mocks";

const BUCKET = "demo-models-1a2b3c";

describe("model store", () => {
    it("creates a private bucket: all four public-access blocks, owner-enforced, versioned, encrypted", async () => {
        await deploy();
        const bucket = one("aws:s3/bucket:Bucket");
        assert.strictEqual(bucket.name, "demo-models");
        assert.strictEqual(bucket.inputs.forceDestroy, false);
        assert.deepStrictEqual(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs, {
            bucket: BUCKET,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        assert.deepStrictEqual(one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs, {
            bucket: BUCKET,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        });
        assert.deepStrictEqual(one("aws:s3/bucketVersioning:BucketVersioning").inputs, {
            bucket: BUCKET,
            versioningConfiguration: { status: "Enabled" },
        });
        assert.deepStrictEqual(
            one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs,
            {
                bucket: BUCKET,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
            },
        );
    });

    it("denies every non-TLS request to the bucket and its objects", async () => {
        await deploy();
        const policy = one("aws:s3/bucketPolicy:BucketPolicy");
        assert.strictEqual(policy.name, "demo-models-policy");
        assert.deepStrictEqual(JSON.parse(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });

    it("uploads the model with an S3-verified sha256 after the bucket is locked down", async () => {
        await deploy();
        const object = one("aws:s3/bucketObjectv2:BucketObjectv2");
        assert.strictEqual(object.name, "demo-model");
        assert.strictEqual(object.inputs.bucket, BUCKET);
        assert.strictEqual(object.inputs.key, "models/model.joblib");
        assert.strictEqual(object.inputs.checksumAlgorithm, "SHA256");
        assert.strictEqual(await object.inputs.source.path, FIXTURE_MODEL);
        // It must land in a bucket already versioned, encrypted and locked down: the engine is told so.
        const waitsFor = dependenciesOf("aws:s3/bucketObjectv2:BucketObjectv2", "demo-model");
        for (const dependency of [
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::demo-models-public-access",
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls::demo-models-ownership",
            "aws:s3/bucketVersioning:BucketVersioning::demo-models-versioning",
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration::demo-models-encryption",
            "aws:s3/bucketPolicy:BucketPolicy::demo-models-policy",
        ]) {
            assert.ok(waitsFor.includes(dependency), `the model object waits for ${dependency}`);
        }
    });

    it("hands the function the bucket, key, version id and the file's sha256", async () => {
        const fn = await deploy();
        assert.deepStrictEqual(one("aws:lambda/function:Function").inputs.environment, {
            variables: {
                MODEL_BUCKET: BUCKET,
                MODEL_KEY: "models/model.joblib",
                MODEL_VERSION_ID: "version-of-models/model.joblib",
                MODEL_SHA256: FIXTURE_SHA256,
                MODEL_FORMAT: "sklearn",
                ...FUNCTION_SETTINGS,
            },
        });
        assert.strictEqual(await valueOf(fn.modelBucketName), BUCKET);
        assert.strictEqual(await valueOf(fn.modelKey), "models/model.joblib");
        assert.strictEqual(await valueOf(fn.modelVersionId), "version-of-models/model.joblib");
    });

    it("uses a custom key and forceDestroy when asked", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, modelKey: "iris/v2.joblib", forceDestroy: true });
        assert.strictEqual(one("aws:s3/bucketObjectv2:BucketObjectv2").inputs.key, "iris/v2.joblib");
        assert.strictEqual(one("aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    });

    it("uploads into an adopted bucket without touching its settings", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, modelBucketName: "team-models" });
        assert.strictEqual(ofType("aws:s3/bucket:Bucket").length, 0);
        assert.strictEqual(ofType("aws:s3/bucketPolicy:BucketPolicy").length, 0);
        assert.strictEqual(ofType("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").length, 0);
        assert.strictEqual(one("aws:s3/bucketObjectv2:BucketObjectv2").inputs.bucket, "team-models");
        assert.deepStrictEqual(mocks.calls.find((c) => c.token === "aws:s3/getBucket:getBucket")?.inputs, {
            bucket: "team-models",
        });
        const read = JSON.parse(
            one("aws:iam/rolePolicy:RolePolicy", modelReadName("team-models", "models/model.joblib")).inputs.policy,
        );
        assert.strictEqual(read.Statement[0].Resource, "arn:aws:s3:::team-models/models/model.joblib");
    });

    it("adopts an existing object: pins the version found at deploy and trusts the given sha256", async () => {
        const sha = "0".repeat(63) + "1";
        const fn = await deploy({ modelBucketName: "team-models", modelKey: "iris/model.joblib", modelSha256: sha });
        assert.strictEqual(ofType("aws:s3/bucketObjectv2:BucketObjectv2").length, 0);
        assert.deepStrictEqual(mocks.calls.find((c) => c.token === "aws:s3/getObject:getObject")?.inputs, {
            bucket: "team-models",
            key: "iris/model.joblib",
        });
        assert.deepStrictEqual(one("aws:lambda/function:Function").inputs.environment.variables, {
            MODEL_BUCKET: "team-models",
            MODEL_KEY: "iris/model.joblib",
            MODEL_VERSION_ID: EXISTING_OBJECT_VERSION,
            MODEL_SHA256: sha,
            MODEL_FORMAT: "sklearn",
            ...FUNCTION_SETTINGS,
        });
        assert.strictEqual(await valueOf(fn.modelVersionId), EXISTING_OBJECT_VERSION);
    });
});
