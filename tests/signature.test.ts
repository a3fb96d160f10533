import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploy, rejected, writeSignature } from "./harness";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "../components";
import { mocks, ofType, one, settle } from "./mocks";

const ROOT = path.resolve(__dirname, "..");
const WINE = path.join(ROOT, "examples", "your-own-model", "model", "model.onnx");
const WINE_SIGNATURE = JSON.parse(fs.readFileSync(path.join(path.dirname(WINE), "model.json"), "utf8"));
const INVOCATION = "aws:lambda/invocation:Invocation";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-signature-"));

/** A model file of its own in a folder of its own, with a signature unless told otherwise. */
function model(name: string, fields?: object): string {
    const folder = fs.mkdtempSync(path.join(tmp, "model-"));
    const file = path.join(folder, name);
    fs.writeFileSync(file, `a model called ${name}`);
    if (fields !== undefined) {
        writeSignature(file, fields);
    }
    return file;
}

/** Deploying `modelPath` with `event` as the smoke event is refused, saying why it does not fit. */
async function refusesEvent(modelPath: string, event: object, why: string): Promise<void> {
    const e = await rejected({ modelPath, smokeTestEvent: JSON.stringify(event) });
    assert.deepStrictEqual(e.errors, [
        {
            propertyPath: "smokeTestEvent",
            reason: `does not fit the model its signature describes (${why}): every deploy would fail its smoke test; leave it out to send the signature's own sample`,
        },
    ]);
}

describe("the model's signature (model.json beside it)", () => {
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("a 13-feature model trained on a DataFrame deploys with its own sample as the smoke test, no event written", async () => {
        await deploy({ modelPath: WINE });
        const smoke = one(INVOCATION).inputs;
        assert.deepStrictEqual(JSON.parse(smoke.input), WINE_SIGNATURE.sample);
        const rows = JSON.parse(smoke.input).instances;
        assert.strictEqual(rows.length, 3);
        assert.deepStrictEqual(Object.keys(rows[0]), WINE_SIGNATURE.feature_names, "named rows, 13 of them");
        assert.strictEqual(WINE_SIGNATURE.feature_names.length, 13);
        assert.deepStrictEqual(smoke.triggers, { version: "7", sha256: WINE_SIGNATURE.sha256 });
        assert.strictEqual(smoke.qualifier, "7", "the new version, not the alias");
    });

    it("smokeTest false sends nothing; an explicit event that fits is sent instead of the sample", async () => {
        await deploy({ modelPath: WINE, smokeTest: false });
        assert.strictEqual(ofType(INVOCATION).length, 0);
        const own = JSON.stringify({ features: WINE_SIGNATURE.sample.instances[1] });
        await deploy({ modelPath: WINE, smokeTestEvent: own });
        assert.strictEqual(one(INVOCATION).inputs.input, own);
    });

    it("refuses an explicit event the model cannot answer, before anything is registered", async () => {
        const names = WINE_SIGNATURE.feature_names;
        for (const [event, why] of [
            [{ features: [5.1, 3.5, 1.4, 0.2] }, "features has 4 values; the model takes exactly 13"],
            [
                { instances: [{ ...WINE_SIGNATURE.sample.instances[0], vintage: 1999 }] },
                'instances[0] has unknown features "vintage"',
            ],
            [
                {
                    requestContext: { http: { method: "POST" } },
                    body: JSON.stringify({ features: Object.fromEntries(names.slice(1).map((n: string) => [n, 1])) }),
                },
                'features lacks "alcohol"',
            ],
        ] as const) {
            await refusesEvent(WINE, event, why);
        }
        const e = await rejected({ modelPath: WINE, smokeTest: false, smokeTestEvent: '{"features": []}' });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "smokeTestEvent", reason: "is not sent with smokeTest false" },
        ]);
    });

    it("refuses a pickle trained with another scikit-learn than the image serves, naming both", async () => {
        const pickle = model("model.joblib", { versions: { trained_with: { "scikit-learn": "1.6.1" }, tools: {} } });
        const e = await rejected({ modelPath: pickle });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelPath",
                reason: "was trained with scikit-learn 1.6.1, but the image serves scikit-learn 1.7.2: a pickle from another version may not load, or may answer differently; retrain with scikit-learn 1.7.2, or convert the model to ONNX (app/convert.py)",
            },
        ]);
        // The same model converted to ONNX no longer depends on scikit-learn.
        const onnx = model("model.onnx", { versions: { trained_with: { "scikit-learn": "1.6.1" }, tools: {} } });
        await deploy({ modelPath: onnx });
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_FORMAT, "onnx");
    });

    it("refuses a model without a signature, one that describes another file, and one made for other bytes", async () => {
        const bare = model("model.onnx");
        let e = await rejected({ modelPath: bare });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelPath",
                reason: `has no signature: ${path.join(path.dirname(bare), "model.json")} is missing; write it with \`python app/convert.py --describe --model model.onnx\``,
            },
        ]);
        const other = model("model.joblib", { file: "other.joblib" });
        e = await rejected({ modelPath: other });
        assert.match(
            e.errors[0].reason,
            /^has no signature: .*model\.json describes other\.joblib, not model\.joblib; write it with/,
        );
        const stale = model("model.joblib", {});
        fs.appendFileSync(stale, " retrained");
        e = await rejected({ modelPath: stale });
        assert.match(
            e.errors[0].reason,
            new RegExp(
                `^does not match its signature: .*model\\.json was written for a model\\.joblib with sha256 [0-9a-f]{64}, but ${stale} hashes to [0-9a-f]{64}; write it with`,
            ),
        );
    });

    it("refuses a modelFormat the signature contradicts", async () => {
        const onnx = model("model.onnx", {});
        const e = await rejected({ modelPath: onnx, modelFormat: "sklearn" });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelFormat",
                reason: 'must be the format the model\'s signature gives (onnx); got "sklearn"',
            },
        ]);
    });

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
        const tensors = model("model.onnx", {
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

    it("an object adopted from a bucket has no signature: tested only with an event given", async () => {
        const adopted = { modelBucketName: "team", modelKey: "m.onnx", modelSha256: "a".repeat(64) };
        await deploy(adopted);
        assert.strictEqual(ofType(INVOCATION).length, 0);
        await deploy({ ...adopted, smokeTestEvent: '{"features": [1, 2]}' });
        assert.strictEqual(one(INVOCATION).inputs.input, '{"features": [1, 2]}');
    });
});
