import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploy, FIXTURE_MODEL, writeSignature } from "./harness";
import { ECR_PASSWORD, IMAGE_DIGEST, mocks, one, secretValue, valueOf } from "./mocks";

const APP = path.resolve(__dirname, "..", "app");
const REPO_URL = "123456789012.dkr.ecr.us-east-1.amazonaws.com/demo-repo-1a2b3c";

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

    it("a model format given for a file whose name does not tell", async () => {
        const named = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "format-")), "weights.bin");
        fs.copyFileSync(FIXTURE_MODEL, named);
        writeSignature(named);
        await deploy({ modelPath: named, modelFormat: "sklearn" });
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "sklearn");
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_FORMAT, "sklearn");
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
