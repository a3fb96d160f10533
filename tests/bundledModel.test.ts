import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    deploy,
    FIXTURE_MODEL,
    FIXTURE_SHA256,
    FUNCTION_SETTINGS,
    rejected,
    warningsOf,
    writeSignature,
} from "./harness";
import { mocks, ofType, one, valueOf } from "./mocks";

const ROOT = path.resolve(__dirname, "..");
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

    it("builds the -bundled target with the model's folder as the build context `model`", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, modelDelivery: "image", buildArgs: { BASE_IMAGE: "base:1" } });
        const image = one("docker-build:index:Image");
        assert.strictEqual(image.inputs.target, "sklearn-bundled");
        assert.deepStrictEqual(image.inputs.context, {
            location: path.join(ROOT, "app"),
            named: { model: { location: path.dirname(FIXTURE_MODEL) } },
        });
        assert.deepStrictEqual(image.inputs.buildArgs, { BASE_IMAGE: "base:1", MODEL_FILE: "model.joblib" });
        assert.deepStrictEqual(image.inputs.platforms, ["linux/amd64"]);
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

    it("a different model file gives the image different inputs (and the provider hashes the folder's content)", async () => {
        const other = path.join(tmp, "v2");
        fs.mkdirSync(other);
        fs.writeFileSync(path.join(other, "retrained.joblib"), "a retrained model");
        writeSignature(path.join(other, "retrained.joblib"));
        await deploy({ modelPath: FIXTURE_MODEL, modelDelivery: "image" });
        const first = one("docker-build:index:Image").inputs;
        const firstEnv = one("aws:lambda/function:Function").inputs.environment.variables;
        await deploy({ modelPath: path.join(other, "retrained.joblib"), modelDelivery: "image" });
        const second = one("docker-build:index:Image").inputs;
        assert.notDeepStrictEqual(second.context, first.context);
        assert.notDeepStrictEqual(second.buildArgs, first.buildArgs);
        assert.strictEqual(second.buildArgs.MODEL_FILE, "retrained.joblib");
        assert.strictEqual(firstEnv.MODEL_SHA256, FIXTURE_SHA256);
        assert.notStrictEqual(
            one("aws:lambda/function:Function").inputs.environment.variables.MODEL_SHA256,
            FIXTURE_SHA256,
        );
    });

    it("keeps S3 delivery the default, with the S3 targets", async () => {
        await deploy();
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "sklearn");
        assert.deepStrictEqual(one("docker-build:index:Image").inputs.context, { location: path.join(ROOT, "app") });
        assert.strictEqual(ofType("aws:s3/bucketObjectv2:BucketObjectv2").length, 1);
    });

    it("refuses every combination that cannot work, all at once, registering nothing", async () => {
        let e = await rejected({
            modelDelivery: "image",
            modelBucketName: "b",
            modelKey: "m.onnx",
            modelSha256: "a".repeat(64),
            buildArgs: { MODEL_FILE: "x" },
        });
        const unused = 'is not used with modelDelivery "image": the model is inside the image, hashed from modelPath';
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "modelPath", reason: 'is required with modelDelivery "image"' },
            { propertyPath: "modelBucketName", reason: unused },
            { propertyPath: "modelKey", reason: unused },
            { propertyPath: "modelSha256", reason: unused },
            {
                propertyPath: "buildArgs.MODEL_FILE",
                reason: 'is set by the component with modelDelivery "image" (the file name of modelPath)',
            },
        ]);
        e = await rejected({ modelPath: FIXTURE_MODEL, modelDelivery: "container" });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "modelDelivery", reason: 'must be one of "s3", "image"; got "container"' },
        ]);
    });

    it("refuses a model over Lambda's 10 GB image limit", async () => {
        const huge = path.join(tmp, "huge.onnx");
        fs.writeFileSync(huge, "");
        fs.truncateSync(huge, 10 * 1024 ** 3 + 1); // sparse: no disk is used
        const e = await rejected({ modelPath: huge, modelDelivery: "image" });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelPath",
                reason: `must be under Lambda's 10 GB image limit with modelDelivery "image"; ${huge} is 10737418241 bytes: use modelDelivery "s3"`,
            },
        ]);
    });

    it("accepts a model over 500 MB with a warning that recommends S3, and no /tmp check", async () => {
        const large = path.join(tmp, "large.onnx");
        fs.writeFileSync(large, "");
        fs.truncateSync(large, 600 * 1024 ** 2);
        writeSignature(large);
        const warnings = await warningsOf(() => deploy({ modelPath: large, modelDelivery: "image" }));
        assert.deepStrictEqual(warnings, [
            `InferenceFunction "demo": the model (${large}, 629145600 bytes) is over 500 MB; every cold start that pulls the image pays for it, so modelDelivery "s3" is the better home for it`,
        ]);
        assert.strictEqual(one("aws:lambda/function:Function").inputs.ephemeralStorage.size, 512);
    });
});
