import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploy, FIXTURE_MODEL, FIXTURE_SHA256, writeSignature, deployRecordingOptions } from "../harness";
import { mocks, ofType, one, valueOf, ECR_PASSWORD, IMAGE_DIGEST, secretValue } from "../mocks";

const ROOT = path.resolve(__dirname, "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-bundled-"));

const APP = path.resolve(__dirname, "..", "..", "app");
const REPO_URL = "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-repo-1a2b3c";

describe('modelDelivery "image": the model baked into the image', () => {
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
});

describe("images outlive their builds", () => {
    it("a replaced build keeps its pushed image (versions still run it); the lifecycle policy expires old ones", async () => {
        const options = (await deployRecordingOptions({ modelPath: FIXTURE_MODEL })).options;
        assert.strictEqual(options["demo-image"].retainOnDelete, true);
    });
});

describe("image", () => {
    it("builds the bundled app for linux/amd64 by default and pushes it to the repository", async () => {
        await deploy();
        const image = one("docker-build:index:Image");
        assert.strictEqual(image.name, "demo-image");
        assert.deepStrictEqual(image.inputs.context, { location: APP });
        assert.deepStrictEqual(image.inputs.dockerfile, { location: path.join(APP, "Dockerfile") });
        assert.deepStrictEqual(image.inputs.platforms, ["linux/amd64"]);
        assert.strictEqual(image.inputs.push, true);
        assert.deepStrictEqual(image.inputs.tags, [`${REPO_URL}:latest`]);
        assert.strictEqual("exports" in image.inputs, false);
        // The fixture is a pickle, so the scikit-learn runtime target is built.
        assert.strictEqual(image.inputs.target, "sklearn");
    });

    it("builds exactly linux/arm64 for the arm64 architecture", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, architecture: "arm64" });
        assert.deepStrictEqual(one("docker-build:index:Image").inputs.platforms, ["linux/arm64"]);
        assert.deepStrictEqual(one("aws:lambda/function:Function").inputs.architectures, ["arm64"]);
    });

    it("logs in with a fresh ECR token whose password stays secret", async () => {
        await deploy();
        assert.deepStrictEqual(
            mocks.calls.filter((c) => c.token.startsWith("aws:ecr/")),
            [{ token: "aws:ecr/getAuthorizationToken:getAuthorizationToken", inputs: { registryId: "123456789012" } }],
        );
        const registries = secretValue(one("docker-build:index:Image").inputs.registries);
        assert.deepStrictEqual(registries, [{ address: REPO_URL, username: "AWS", password: ECR_PASSWORD }]);
    });

    it("caches layers in the same repository with the ECR-compatible manifest options", async () => {
        await deploy();
        const image = one("docker-build:index:Image");
        assert.deepStrictEqual(image.inputs.cacheFrom, [{ registry: { ref: `${REPO_URL}:buildcache` } }]);
        assert.deepStrictEqual(image.inputs.cacheTo, [
            { registry: { ref: `${REPO_URL}:buildcache`, imageManifest: true, ociMediaTypes: true, mode: "max" } },
        ]);
    });

    it("builds the target named after the model format: onnx for an .onnx model", async () => {
        await deploy({ modelPath: path.join(APP, "model", "model.onnx") });
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx");
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_FORMAT, "onnx");
    });

    it("passes build args, target and a custom Dockerfile through", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            dockerfile: "Dockerfile",
            buildArgs: { BASE_IMAGE: "public.ecr.aws/lambda/python:3.12" },
            buildTarget: "builder",
        });
        const image = one("docker-build:index:Image");
        assert.deepStrictEqual(image.inputs.buildArgs, { BASE_IMAGE: "public.ecr.aws/lambda/python:3.12" });
        assert.strictEqual(image.inputs.target, "builder");
    });

    it("gives the function repositoryUrl@digest, never a tag", async () => {
        const fn = await deploy();
        const uri = one("aws:lambda/function:Function").inputs.imageUri;
        assert.strictEqual(uri, `${REPO_URL}@${IMAGE_DIGEST}`);
        assert.match(uri, /^[^:]+\.amazonaws\.com\/[^:@]+@sha256:[0-9a-f]{64}$/);
        assert.strictEqual(await valueOf(fn.imageUri), uri);
        assert.strictEqual(await valueOf(fn.imageDigest), IMAGE_DIGEST);
    });
});

describe("pythonVersion and snapStart", () => {
    it("3.12 by default builds on the Dockerfile's own (pinnable) base; 3.13 by tag, or a pinned base of 3.13", async () => {
        await deploy();
        assert.strictEqual(one("docker-build:index:Image").inputs.buildArgs, undefined);
        const pinned = "public.ecr.aws/lambda/python:3.13@sha256:" + "a".repeat(64);
        await deploy({ modelPath: FIXTURE_MODEL, pythonVersion: "3.13", buildArgs: { BASE_IMAGE: pinned } });
        assert.deepStrictEqual(one("docker-build:index:Image").inputs.buildArgs, { BASE_IMAGE: pinned });
    });
});
