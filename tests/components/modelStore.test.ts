import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    deploy,
    FIXTURE_MODEL,
    FIXTURE_SHA256,
    FUNCTION_SETTINGS,
    madeUpModel,
    rejected,
    writeSignature,
    runFailedDeploy,
    modelReadName,
} from "../harness";
import { mocks, ofType, one, valueOf, dependenciesOf, EXISTING_OBJECT_VERSION } from "../mocks";
import { confirmedSha256, normaliseVersionId } from "../../components/modelStore";
import { sha256File } from "../../components/sha256";

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

describe("a text model: the tokenizer and config beside the model", () => {
    const TEXT = path.join(ROOT, "examples", "text-classifier", "model");
    const signature = JSON.parse(fs.readFileSync(path.join(TEXT, "model.json"), "utf8"));
    const files = ["tokenizer.json", "config.json"];

    it("uploads each file its signature lists beside the model's key, each checksummed and confirmed", async () => {
        await deploy({ modelPath: path.join(TEXT, "model.onnx") });
        const objects = ofType("aws:s3/bucketObjectv2:BucketObjectv2");
        assert.deepStrictEqual(
            objects.map((o) => [o.name, o.inputs.key, o.inputs.checksumAlgorithm]),
            [
                ["demo-model", "models/model.onnx", "SHA256"],
                ["demo-model-tokenizer-json", "models/tokenizer.json", "SHA256"],
                ["demo-model-config-json", "models/config.json", "SHA256"],
            ],
        );
        assert.deepStrictEqual(
            await Promise.all(objects.map((o) => o.inputs.source.path)),
            ["model.onnx", ...files].map((f) => path.join(TEXT, f)),
        );
        // Each waits for the locked-down bucket, as the model does.
        assert.ok(
            dependenciesOf("aws:s3/bucketObjectv2:BucketObjectv2", "demo-model-tokenizer-json").includes(
                "aws:s3/bucketPolicy:BucketPolicy::demo-models-policy",
            ),
        );
    });

    it("tells the function each file's sha256 and version, and lets the role read exactly those objects", async () => {
        await deploy({ modelPath: path.join(TEXT, "model.onnx") });
        const env = one("aws:lambda/function:Function").inputs.environment.variables;
        assert.deepStrictEqual(JSON.parse(env.MODEL_FILES), {
            "tokenizer.json": {
                sha256: signature.files["tokenizer.json"],
                versionId: "version-of-models/tokenizer.json",
            },
            "config.json": { sha256: signature.files["config.json"], versionId: "version-of-models/config.json" },
        });
        assert.strictEqual(env.MODEL_SHA256, signature.sha256);
        const read = ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.includes("-model-read"));
        assert.deepStrictEqual(JSON.parse(read!.inputs.policy).Statement[0].Resource, [
            `arn:aws:s3:::${BUCKET}/models/model.onnx`,
            `arn:aws:s3:::${BUCKET}/models/tokenizer.json`,
            `arn:aws:s3:::${BUCKET}/models/config.json`,
        ]);
        // The image gets the text stage (the tokenizer library) on top of the ONNX runtime.
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx-text");
        // The smoke test sends the signature's sample texts.
        assert.deepStrictEqual(JSON.parse(one("aws:lambda/invocation:Invocation").inputs.input), signature.sample);
    });

    it("in the image: the files travel in the model's folder, verified against MODEL_FILES", async () => {
        await deploy({ modelPath: path.join(TEXT, "model.onnx"), modelDelivery: "image" });
        const env = one("aws:lambda/function:Function").inputs.environment.variables;
        assert.deepStrictEqual(JSON.parse(env.MODEL_FILES), {
            "tokenizer.json": { sha256: signature.files["tokenizer.json"] },
            "config.json": { sha256: signature.files["config.json"] },
        });
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx-text-bundled");
        assert.strictEqual(ofType("aws:s3/bucketObjectv2:BucketObjectv2").length, 0);
    });

    it("a graph that tokenizes itself (onnxruntime-extensions' operators) gets the text stage too", async () => {
        await deploy({ modelPath: madeUpModel("lengths.onnx", { requires: ["onnxruntime-extensions"] }) });
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx-text");
        await deploy({ modelPath: madeUpModel("plain.onnx", {}) });
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx");
    });

    it("refuses, before any resource, a file missing or changed since the signature was written", async () => {
        const copy = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-text-"));
        process.on("exit", () => fs.rmSync(copy, { recursive: true, force: true }));
        for (const f of ["model.onnx", "model.json", ...files]) {
            fs.copyFileSync(path.join(TEXT, f), path.join(copy, f));
        }
        fs.appendFileSync(path.join(copy, "config.json"), " ");
        const changed = await rejected({ modelPath: path.join(copy, "model.onnx") });
        assert.match(
            changed.errors[0].reason,
            /^does not match its signature: config\.json beside it hashes to [0-9a-f]{64}, but the signature was written for b7f8fae7[0-9a-f]{56}; /,
        );
        fs.rmSync(path.join(copy, "tokenizer.json"));
        const missing = await rejected({ modelPath: path.join(copy, "model.onnx") });
        assert.deepStrictEqual(missing.errors, [
            {
                propertyPath: "modelPath",
                reason: `needs tokenizer.json beside it, as its signature says, and ${path.join(copy, "tokenizer.json")} is not there`,
            },
        ]);
    });
});

describe("a model whose weights are in a file beside it (ONNX external data)", () => {
    /** A made-up model with `size` bytes of weights in `<name>.data`, listed in its signature. */
    function withWeights(size: number): string {
        const model = madeUpModel("big.onnx");
        const data = `${model}.data`;
        fs.writeFileSync(data, "");
        fs.truncateSync(data, size); // sparse: no disk is used
        writeSignature(model, { files: { "big.onnx.data": sha256File(data) } });
        return model;
    }

    it("uploads the weights beside the model and lets the role read exactly both objects", async () => {
        await deploy({ modelPath: withWeights(1024) });
        assert.deepStrictEqual(
            ofType("aws:s3/bucketObjectv2:BucketObjectv2").map((o) => [o.name, o.inputs.key]),
            [
                ["demo-model", "models/big.onnx"],
                ["demo-model-big-onnx-data", "models/big.onnx.data"],
            ],
        );
        assert.deepStrictEqual(Object.keys(JSON.parse(one(FN).inputs.environment.variables.MODEL_FILES)), [
            "big.onnx.data",
        ]);
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx");
    });

    it("refuses the image delivery, and a /tmp too small for the model and its weights together", async () => {
        const model = withWeights(600 * 1024 * 1024);
        const inImage = await rejected({ modelPath: model, modelDelivery: "image" });
        assert.deepStrictEqual(inImage.errors, [
            {
                propertyPath: "modelDelivery",
                reason: 'must be "s3" for a model whose weights are in files beside it (big.onnx.data): they are uploaded and verified with it; or save the model with its weights inside',
            },
        ]);
        const small = await rejected({ modelPath: model });
        assert.deepStrictEqual(small.errors, [
            {
                propertyPath: "ephemeralStorageSize",
                reason: `must be large enough to hold the model and the files beside it in /tmp: ${600 * 1024 * 1024 + fs.statSync(model).size} bytes, /tmp is 512 MB`,
            },
        ]);
        await deploy({ modelPath: model, ephemeralStorageSize: 1024 });
    });
});
