import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { deploy, FIXTURE_MODEL, FUNCTION_SETTINGS, rejected } from "../harness";
import { EXISTING_OBJECT_BYTES, EXISTING_OBJECT_VERSION, ofType, one } from "../mocks";

const ROOT = path.resolve(__dirname, "..", "..");
const IRIS = path.join(ROOT, "app", "model", "model.onnx");
const WINE = path.join(ROOT, "examples", "your-own-model", "model", "model.onnx");
const TEXT = path.join(ROOT, "examples", "text-classifier", "model", "model.onnx");
const BUCKET = "demo-models-1a2b3c";
const signatureOf = (model: string) =>
    JSON.parse(fs.readFileSync(path.join(path.dirname(model), "model.json"), "utf8"));
const MODELS = [
    { name: "iris", modelPath: IRIS },
    { name: "wine", modelPath: WINE },
    { name: "sentiment", modelPath: TEXT },
];

describe("models: many models behind one function", () => {
    it("uploads each model under a key of its own and lists them in a manifest the function verifies", async () => {
        await deploy({ models: MODELS });
        const objects = ofType("aws:s3/bucketObjectv2:BucketObjectv2");
        assert.deepStrictEqual(
            objects.map((o) => [o.name, o.inputs.key]),
            [
                ["demo-model-iris", "models/iris/model.onnx"],
                ["demo-model-wine", "models/wine/model.onnx"],
                ["demo-model-sentiment", "models/sentiment/model.onnx"],
                ["demo-model-sentiment-tokenizer-json", "models/sentiment/tokenizer.json"],
                ["demo-model-sentiment-config-json", "models/sentiment/config.json"],
                ["demo-models-manifest", "models/manifest.json"],
            ],
        );
        const manifest = objects[objects.length - 1].inputs;
        assert.strictEqual(manifest.checksumAlgorithm, "SHA256");
        const items = JSON.parse(manifest.content).models;
        assert.deepStrictEqual(
            items.map((m: any) => [m.name, m.bucket, m.key, m.versionId, m.sha256, m.format, m.bytes]),
            MODELS.map(({ name, modelPath }, i) => [
                name,
                BUCKET,
                `models/${name}/model.onnx`,
                `version-of-models/${name}/model.onnx`,
                signatureOf(modelPath).sha256,
                "onnx",
                fs.statSync(modelPath).size +
                    (i === 2
                        ? ["tokenizer.json", "config.json"]
                              .map((f) => fs.statSync(path.join(path.dirname(TEXT), f)).size)
                              .reduce((x, y) => x + y)
                        : 0),
            ]),
        );
        assert.deepStrictEqual(Object.keys(items[2].files), ["tokenizer.json", "config.json"]);
        const env = one("aws:lambda/function:Function").inputs.environment.variables;
        assert.deepStrictEqual(JSON.parse(env.MODELS_MANIFEST), {
            bucket: BUCKET,
            key: "models/manifest.json",
            versionId: "version-of-models/manifest.json",
            sha256: crypto.createHash("sha256").update(manifest.content).digest("hex"),
        });
        assert.ok(!("MODEL_BUCKET" in env) && !("MODEL_KEY" in env), "only the manifest's location");
        assert.deepStrictEqual(
            { ...env, MODELS_MANIFEST: undefined },
            {
                ...FUNCTION_SETTINGS,
                MODELS_MANIFEST: undefined,
                MODEL_NAME: "iris",
                MODEL_FORMAT: "onnx",
            },
        );
    });

    it("lets the role read exactly the models' objects and the manifest; the image serves a text model too", async () => {
        await deploy({ models: MODELS });
        const read = ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.includes("-model-read"));
        assert.deepStrictEqual(JSON.parse(read!.inputs.policy).Statement[0].Resource, [
            `arn:aws:s3:::${BUCKET}/models/manifest.json`,
            `arn:aws:s3:::${BUCKET}/models/iris/model.onnx`,
            `arn:aws:s3:::${BUCKET}/models/wine/model.onnx`,
            `arn:aws:s3:::${BUCKET}/models/sentiment/model.onnx`,
            `arn:aws:s3:::${BUCKET}/models/sentiment/tokenizer.json`,
            `arn:aws:s3:::${BUCKET}/models/sentiment/config.json`,
        ]);
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx-text");
    });

    it("a batch transform's runs name their model; the dashboard draws each model by its name", async () => {
        await deploy({
            models: MODELS.slice(0, 2),
            batchTransform: { inputBucketName: "data-bucket" },
            enableDashboard: true,
        });
        const definition = JSON.parse(one("aws:sfn/stateMachine:StateMachine").inputs.definition);
        const batchInput = Object.values<any>(definition.States).find((st) => st.ItemBatcher)?.ItemBatcher.BatchInput;
        assert.strictEqual(batchInput["model.$"], "$.model");
        assert.match(one("aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody, /FunctionName,ModelName/);
    });

    it("smoke-tests each model with its signature's sample, naming the model", async () => {
        await deploy({ models: MODELS, modelCacheBytes: 100_000_000, preloadModels: ["iris"] });
        const smoke = ofType("aws:lambda/invocation:Invocation");
        assert.deepStrictEqual(
            smoke.map((s) => [s.name, JSON.parse(s.inputs.input)]),
            MODELS.map(({ name, modelPath }) => [
                `demo-smoke-test-${name}`,
                { ...signatureOf(modelPath).sample, model: name },
            ]),
        );
        const env = one("aws:lambda/function:Function").inputs.environment.variables;
        assert.deepStrictEqual([env.MODEL_CACHE_BYTES, env.PRELOAD_MODELS], ["100000000", "iris"]);
    });

    it("adopts an existing object as one of the models, pinned at its version, its size from S3", async () => {
        const sha = "ab".repeat(32);
        await deploy({
            models: [
                { name: "iris", modelPath: IRIS },
                { name: "churn", modelBucketName: "ml-artifacts", modelKey: "churn/v7/model.onnx", modelSha256: sha },
            ],
        });
        const manifest = ofType("aws:s3/bucketObjectv2:BucketObjectv2").find((o) => o.name === "demo-models-manifest");
        assert.deepStrictEqual(JSON.parse(manifest!.inputs.content).models[1], {
            name: "churn",
            bucket: "ml-artifacts",
            key: "churn/v7/model.onnx",
            versionId: EXISTING_OBJECT_VERSION,
            sha256: sha,
            format: "onnx",
            bytes: EXISTING_OBJECT_BYTES,
            files: {},
        });
        const read = ofType("aws:iam/rolePolicy:RolePolicy").find((p) => p.name.includes("-model-read"));
        assert.ok(
            JSON.parse(read!.inputs.policy).Statement[0].Resource.includes(
                "arn:aws:s3:::ml-artifacts/churn/v7/model.onnx",
            ),
        );
        // Without a signature, it has no sample: only iris is smoke-tested.
        assert.deepStrictEqual(
            ofType("aws:lambda/invocation:Invocation").map((i) => i.name),
            ["demo-smoke-test-iris"],
        );
    });

    it("refuses, before any resource, what a list of models cannot be", async () => {
        const e = await rejected({
            models: [
                { name: "iris", modelPath: IRIS },
                { name: "iris", modelPath: WINE },
                { name: "churn", modelPath: FIXTURE_MODEL },
            ],
            modelPath: IRIS,
            preloadModels: ["nope"],
        });
        assert.deepStrictEqual(
            e.errors.map((p) => p.propertyPath),
            ["modelPath", "models[1].name", "models[2].modelPath", "preloadModels[0]"],
        );
        assert.deepStrictEqual(
            e.errors[0].reason,
            "is not used with models: each model is given in its entry (a smoke test is each model's own sample)",
        );
        assert.deepStrictEqual(e.errors[1].reason, 'must be unique; "iris" is models[0]\'s');
        assert.deepStrictEqual(
            e.errors[2].reason,
            "must be of the format of models[0] (onnx): the image serves one runtime; got sklearn",
        );
        assert.deepStrictEqual(e.errors[3].reason, 'must name one of the models (iris, iris, churn); got "nope"');
        const missing = await rejected({ models: [{ name: "iris", modelPath: "/nowhere/model.onnx" }] });
        assert.deepStrictEqual(missing.errors, [
            { propertyPath: "models[0].modelPath", reason: "must be an existing file; /nowhere/model.onnx is not one" },
        ]);
        const alone = await rejected({ modelPath: IRIS, modelCacheBytes: 10, preloadModels: ["x"] });
        assert.deepStrictEqual(
            alone.errors.map((p) => [p.propertyPath, p.reason]),
            [
                ["modelCacheBytes", "is used with models only (a function with many models)"],
                ["preloadModels", "is used with models only (a function with many models)"],
            ],
        );
        // Every model is cached in /tmp: together they must fit.
        const big = path.join(fs.mkdtempSync(path.join(require("os").tmpdir(), "many-")), "big.onnx");
        fs.writeFileSync(big, "");
        fs.truncateSync(big, 300 * 1024 * 1024);
        fs.writeFileSync(
            path.join(path.dirname(big), "model.json"),
            JSON.stringify({
                ...signatureOf(IRIS),
                file: "big.onnx",
                sha256: require("../../components/sha256").sha256File(big),
            }),
        );
        const full = await rejected({
            models: [
                { name: "a", modelPath: big },
                { name: "b", modelPath: big },
            ],
        });
        assert.deepStrictEqual(full.errors, [
            {
                propertyPath: "ephemeralStorageSize",
                reason: `must be large enough to cache every model in /tmp: the models take ${2 * 300 * 1024 * 1024} bytes, /tmp is 512 MB`,
            },
        ]);
        const none = await rejected({ models: [] });
        assert.deepStrictEqual(none.errors, [
            { propertyPath: "models", reason: "must list from 1 to 100 models; got 0" },
        ]);
    });
});
