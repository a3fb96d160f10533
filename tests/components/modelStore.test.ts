import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploy, FIXTURE_MODEL, FIXTURE_SHA256, FUNCTION_SETTINGS, runFailedDeploy, modelReadName } from "../harness";
import { mocks, ofType, one, valueOf, dependenciesOf, EXISTING_OBJECT_VERSION } from "../mocks";
import { confirmedSha256, normaliseVersionId } from "../../components/modelStore";

const ROOT = path.resolve(__dirname, "..", "..");
const DEMO_ONNX = path.join(ROOT, "app", "model", "model.onnx");
const S3_TYPES = [
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketObjectv2:BucketObjectv2",
];
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-bundled-"));

const FN = "aws:lambda/function:Function";

const BUCKET = "demo-models-1a2b3c";

/** The pure helpers, without a deploy around them (as awsx tests its policy builders). */

describe('modelDelivery "image": the model baked into the image', () => {
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("creates no bucket, no object and no model-read policy", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, modelDelivery: "image" });
        for (const type of S3_TYPES) {
            assert.strictEqual(ofType(type).length, 0, `${type} must not exist`);
        }
        assert.deepStrictEqual(
            ofType("aws:iam/rolePolicy:RolePolicy").map((p) => p.name),
            ["demo-role-logs"],
        );
        // No S3 lookups either: only the ECR token and the account facts of the repository policy.
        assert.deepStrictEqual(mocks.calls.map((c) => c.token).sort(), [
            "aws:ecr/getAuthorizationToken:getAuthorizationToken",
            "aws:index/getCallerIdentity:getCallerIdentity",
            "aws:index/getPartition:getPartition",
            "aws:index/getRegion:getRegion",
        ]);
    });

    it("tells the function the fixed path, the file's sha256 and the format, and nothing about S3", async () => {
        const fn = await deploy({ modelPath: DEMO_ONNX, modelDelivery: "image" });
        const demoSha = JSON.parse(fs.readFileSync(path.join(ROOT, "app", "model", "model.json"), "utf8")).sha256;
        assert.deepStrictEqual(one("aws:lambda/function:Function").inputs.environment.variables, {
            MODEL_PATH: "/var/task/model/model.onnx",
            MODEL_SHA256: demoSha,
            MODEL_FORMAT: "onnx",
            ...FUNCTION_SETTINGS,
        });
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx-bundled");
        assert.deepStrictEqual(
            await Promise.all([valueOf(fn.modelBucketName), valueOf(fn.modelKey), valueOf(fn.modelVersionId)]),
            ["", "", ""],
        );
    });
});

describe("hardening", () => {
    describe("the uploaded model is the file that was hashed", () => {
        it("hands the function the sha256 S3 confirmed it received", async () => {
            await deploy();
            assert.strictEqual(one(FN).inputs.environment.variables.MODEL_SHA256, FIXTURE_SHA256);
            assert.strictEqual(one("aws:s3/bucketObjectv2:BucketObjectv2").inputs.checksumAlgorithm, "SHA256");
        });

        it("confirmedSha256: the hex hash when S3's base64 checksum matches, an error naming both when not", () => {
            const b64 = Buffer.from(FIXTURE_SHA256, "hex").toString("base64");
            assert.strictEqual(confirmedSha256("m.onnx", FIXTURE_SHA256, b64), FIXTURE_SHA256);
            assert.throws(
                () => confirmedSha256("m.onnx", FIXTURE_SHA256, Buffer.alloc(32).toString("base64")),
                new Error(
                    `the model uploaded from m.onnx is not the file that was hashed: S3 received sha256 ${"00".repeat(32)}, ` +
                        `the file hashed to ${FIXTURE_SHA256} at the start of this deploy (was it changed during the deploy?); ` +
                        "the function was not updated; run the deploy again",
                ),
            );
            assert.throws(() => confirmedSha256("m.onnx", FIXTURE_SHA256, undefined), /S3 received sha256 \(none\)/);
        });

        it("fails the deploy before the function is created when S3 received other bytes", function () {
            this.timeout(60_000);
            const report = runFailedDeploy("upload");
            assert.match(
                String(report.error),
                /the model uploaded from .*model\.joblib is not the file that was hashed: S3 received sha256 0{64}/,
            );
            assert.strictEqual(report.registered["aws:s3/bucketObjectv2:BucketObjectv2"], 1);
            assert.strictEqual(report.registered["aws:lambda/function:Function"], 0);
        });
    });
});

describe("model store", () => {
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

describe("model helpers", () => {
    it("normaliseVersionId: S3's 'null' and absent mean the latest object, passed as an empty string", () => {
        assert.strictEqual(normaliseVersionId(undefined), "");
        assert.strictEqual(normaliseVersionId(""), "");
        assert.strictEqual(normaliseVersionId("null"), "");
        assert.strictEqual(
            normaliseVersionId("3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY"),
            "3HL4kqtJlcpXroDTDmJ+rmSpXd3dIbrHY",
        );
    });
});
