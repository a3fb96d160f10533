import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploy, FIXTURE_MODEL, rejected, warningsOf, writeSignature, madeUpModel, refusesEvent } from "../../harness";
import { mocks, one, settle } from "../../mocks";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "../../../components";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-model-"));
const WINE = path.join(ROOT, "examples", "your-own-model", "model", "model.onnx");
const INVOCATION = "aws:lambda/invocation:Invocation";

describe('modelDelivery "image": the model baked into the image', () => {
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

describe("image", () => {
    it("a model format given for a file whose name does not tell", async () => {
        const named = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "format-")), "weights.bin");
        fs.copyFileSync(FIXTURE_MODEL, named);
        writeSignature(named);
        await deploy({ modelPath: named, modelFormat: "sklearn" });
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "sklearn");
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_FORMAT, "sklearn");
    });
});

describe("bad reliability settings", () => {
    it("a wildcard in modelKey, which would widen the role's read to every match", async () => {
        for (const modelKey of ["models/*", "models/model-?.onnx"]) {
            const e = await rejected({ modelPath: FIXTURE_MODEL, modelKey });
            assert.deepStrictEqual(e.errors, [
                {
                    propertyPath: "modelKey",
                    reason: `must name one object, without * or ? (the role may read exactly that object, and a wildcard would widen it to every match); got ${JSON.stringify(modelKey)}`,
                },
            ]);
        }
    });
});

describe("the model's signature (model.json beside it)", () => {
    it("a model that takes tensors only: its protocol sample is the smoke test, rows are refused", async () => {
        const inputs = [
            { name: "x", datatype: "FP32", shape: [-1, 3] },
            { name: "k", datatype: "INT64", shape: [-1, 1] },
        ];
        const sample = {
            inputs: [
                { name: "x", shape: [1, 3], datatype: "FP32", data: [0, 0, 0] },
                { name: "k", shape: [1, 1], datatype: "INT64", data: [0] },
            ],
        };
        const tensors = madeUpModel("model.onnx", {
            task: null,
            n_features: null,
            feature_names: null,
            input_type: null,
            classes: null,
            inputs,
            outputs: [{ name: "scaled", datatype: "FP32", shape: [-1, 3] }],
            sample,
        });
        await deploy({ modelPath: tensors, modelName: "scaler" });
        assert.deepStrictEqual(JSON.parse(one(INVOCATION).inputs.input), sample);
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_NAME, "scaler");
        for (const [event, why] of [
            [
                { features: [1, 2, 3] },
                "the model is not one matrix of features: send an inference request (inputs), as its signature's sample does",
            ],
            [{ inputs: [sample.inputs[0]] }, 'input "k" (INT64 [-1, 1]) is missing'],
            [
                { inputs: [...sample.inputs, { name: "z", shape: [1], datatype: "FP32", data: [1] }] },
                'the model has no input "z"; it takes "x" (FP32 [-1, 3]), "k" (INT64 [-1, 1])',
            ],
            [
                { inputs: [{ ...sample.inputs[0], shape: [1, 4] }, sample.inputs[1]] },
                'input "x" has shape [1,4]; the model declares FP32 [-1, 3]',
            ],
        ] as const) {
            await refusesEvent(tensors, event, why);
        }
    });

    it("modelName: the component's name by default; anything else must fit a path segment", async () => {
        await deploy({ modelPath: WINE, modelName: "wine-v2.1" });
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_NAME, "wine-v2.1");
        const e = await rejected({ modelPath: WINE, modelName: "wine/v2" });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelName",
                reason: `must be letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters (it is a segment of /v2/models/{modelName}); got "wine/v2"`,
            },
        ]);
        mocks.reset();
        let error: unknown;
        try {
            new InferenceFunction("my model", { modelPath: WINE });
        } catch (err) {
            error = err;
        }
        await settle();
        assert.deepStrictEqual((error as pulumi.InputPropertiesError).errors, [
            {
                propertyPath: "modelName",
                reason: `defaults to the component's name "my model", which is not a model name (letters, digits, '.', '_' and '-', starting with a letter or digit, at most 128 characters): give one`,
            },
        ]);
        assert.deepStrictEqual(mocks.resources, []);
    });
});

describe("bad input", () => {
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("a missing model file", async () => {
        const missing = path.join(tmp, "model.joblib");
        const e = await rejected({ modelPath: missing });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "modelPath", reason: `must be an existing file; ${missing} is not one` },
        ]);
    });

    it("no model at all, or an existing object without its checksum", async () => {
        let e = await rejected({});
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelPath",
                reason: "is required unless modelBucketName and modelKey name a model object that already exists",
            },
        ]);
        e = await rejected({ modelBucketName: "team-models" });
        assert.strictEqual(e.errors[0].propertyPath, "modelPath");
        e = await rejected({ modelBucketName: "team-models", modelKey: "m.joblib" });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelSha256",
                reason: "is required when the model is not uploaded from modelPath (the function verifies the download against it)",
            },
        ]);
        e = await rejected({ modelBucketName: "team-models", modelKey: "/m.joblib", modelSha256: "ABC" });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "modelSha256", reason: 'must be 64 lowercase hex characters; got "ABC"' },
            {
                propertyPath: "modelKey",
                reason: 'must be a non-empty object key that does not start with "/"; got "/m.joblib"',
            },
        ]);
    });

    it("a model format that is unknown, or that the model's name does not tell", async () => {
        let e = await rejected({ modelPath: FIXTURE_MODEL, modelFormat: "pmml" });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "modelFormat", reason: 'must be one of "onnx", "sklearn"; got "pmml"' },
        ]);
        const unnamed = path.join(tmp, "model.bin");
        fs.writeFileSync(unnamed, "weights");
        writeSignature(unnamed);
        e = await rejected({ modelPath: unnamed });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelFormat",
                reason: 'is required: the model\'s name "model.bin" does not tell (.onnx is onnx; .joblib, .pkl and .pickle are sklearn)',
            },
        ]);
        e = await rejected({ modelBucketName: "b", modelKey: pulumi.output("m"), modelSha256: "a".repeat(64) });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelFormat",
                reason: "is required when modelKey is only known at deploy time (onnx or sklearn)",
            },
        ]);
    });

    it("a model larger than /tmp", async () => {
        const big = path.join(tmp, "big.joblib");
        fs.writeFileSync(big, "");
        fs.truncateSync(big, 512 * 1024 * 1024 + 1);
        const e = await rejected({ modelPath: big });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "ephemeralStorageSize",
                reason: `must be large enough to hold the model in /tmp: ${big} is 536870913 bytes, /tmp is 512 MB`,
            },
        ]);
    });
});
