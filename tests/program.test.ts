import * as assert from "assert";
import * as path from "path";
import { mocks, one, settle, valueOf } from "./mocks";

const ROOT = path.resolve(__dirname, "..");

describe("root program (demo/index.ts)", () => {
    it("deploys the bundled app and demo model, with a function URL, and exports the outputs", async () => {
        mocks.reset();
        const program = require(path.join(ROOT, "demo"));
        await settle();
        assert.strictEqual(one("lambda-inference:index:InferenceFunction").name, "inference");
        assert.deepStrictEqual(one("docker-build:index:Image").inputs.context, { location: path.join(ROOT, "app") });
        assert.strictEqual(
            await one("aws:s3/bucketObjectv2:BucketObjectv2").inputs.source.path,
            path.join(ROOT, "app", "model", "model.onnx"),
        );
        // The ONNX demo: the onnx image target, and the function told so.
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx");
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_FORMAT, "onnx");
        assert.strictEqual(one("aws:lambda/functionUrl:FunctionUrl").inputs.authorizationType, "AWS_IAM");
        const modelJson = require(path.join(ROOT, "app", "model", "model.json"));
        assert.strictEqual(
            one("aws:lambda/function:Function").inputs.environment.variables.MODEL_SHA256,
            modelJson.sha256,
        );
        assert.deepStrictEqual(Object.keys(program).sort(), [
            "aliasArn",
            "functionArn",
            "functionName",
            "functionUrl",
            "functionVersion",
            "imageUri",
            "logGroupName",
            "modelBucketName",
            "modelKey",
            "modelVersionId",
        ]);
        assert.strictEqual(await valueOf(program.functionName), "inference-fn-1a2b3c");
        // Each new version answers the sample in the demo model's signature before traffic reaches it.
        const signature = JSON.parse(require("fs").readFileSync(path.join(ROOT, "app", "model", "model.json"), "utf8"));
        assert.deepStrictEqual(JSON.parse(one("aws:lambda/invocation:Invocation").inputs.input), signature.sample);
    });
});
