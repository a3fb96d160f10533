import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { deploy, rejected, madeUpModel, refusesEvent } from "../harness";
import { ofType, one } from "../mocks";
import { documentMismatch, Signature } from "../../components/signature";

const ROOT = path.resolve(__dirname, "..", "..");
const WINE = path.join(ROOT, "examples", "your-own-model", "model", "model.onnx");
const WINE_SIGNATURE = JSON.parse(fs.readFileSync(path.join(path.dirname(WINE), "model.json"), "utf8"));
const INVOCATION = "aws:lambda/invocation:Invocation";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-signature-"));

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
        // The very words the function would answer with.
        const TAKES = 'the model takes "alcohol", "malic_acid", "ash", "alcalinity_of_ash", "magnesium" and 8 more';
        for (const [event, why] of [
            [{ features: [5.1, 3.5, 1.4, 0.2] }, "features has 4 values; the model takes exactly 13"],
            [
                { instances: [{ ...WINE_SIGNATURE.sample.instances[0], vintage: 1999 }] },
                `instances[0] has unknown features "vintage"; ${TAKES}`,
            ],
            [
                {
                    requestContext: { http: { method: "POST" } },
                    body: JSON.stringify({ features: Object.fromEntries(names.slice(1).map((n: string) => [n, 1])) }),
                },
                `features lacks "alcohol"; ${TAKES}`,
            ],
        ] as const) {
            await refusesEvent(WINE, event, why);
        }
        const e = await rejected({ modelPath: WINE, smokeTest: false, smokeTestEvent: '{"features": []}' });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "smokeTestEvent", reason: "is not sent with smokeTest false" },
        ]);
    });

    it("a model fitted on a DataFrame of several types: its typed sample is the smoke test, a wrong type is refused", async () => {
        const row = { plan: "pro", tenure: 14, "monthly spend": null, autopay: true };
        const churn = madeUpModel("model.onnx", {
            n_features: 4,
            feature_names: ["plan", "tenure", "monthly spend", "autopay"],
            feature_names_generated: false,
            layout: "columns",
            features: [
                { name: "plan", type: "string", missing: true, categories: ["basic", "pro"], categories_only: false },
                { name: "tenure", type: "integer", missing: true },
                { name: "monthly spend", type: "number", missing: true, input: "monthly_spend" },
                { name: "autopay", type: "boolean", missing: false },
            ],
            sample: { instances: [row] },
        });
        await deploy({ modelPath: churn });
        assert.deepStrictEqual(JSON.parse(one(INVOCATION).inputs.input), { instances: [row] });
        for (const [event, why] of [
            [
                { features: { ...row, autopay: null } },
                "features.autopay is missing, but the model takes no missing value there: send a boolean",
            ],
            [{ features: { ...row, tenure: 2.5 } }, "features.tenure must be an integer; got 2.5"],
            [{ instances: [row, { ...row, plan: 3 }] }, "instances[1].plan must be a string; got number"],
            [{ features: ["pro", 14, null] }, "features has 3 values; the model takes exactly 4"],
        ] as const) {
            await refusesEvent(churn, event, why);
        }
    });

    it("refuses a pickle trained with another scikit-learn than the image serves, naming both", async () => {
        const pickle = madeUpModel("model.joblib", {
            versions: { trained_with: { "scikit-learn": "1.6.1" }, tools: {} },
        });
        const e = await rejected({ modelPath: pickle });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelPath",
                reason: "was trained with scikit-learn 1.6.1, but the image serves scikit-learn 1.7.2: a pickle from another version may not load, or may answer differently; retrain with scikit-learn 1.7.2, or convert the model to ONNX (app/convert.py)",
            },
        ]);
        // The same model converted to ONNX no longer depends on scikit-learn.
        const onnx = madeUpModel("model.onnx", { versions: { trained_with: { "scikit-learn": "1.6.1" }, tools: {} } });
        await deploy({ modelPath: onnx });
        assert.strictEqual(one("aws:lambda/function:Function").inputs.environment.variables.MODEL_FORMAT, "onnx");
    });

    it("refuses a model without a signature, one that describes another file, and one made for other bytes", async () => {
        const bare = madeUpModel("model.onnx");
        let e = await rejected({ modelPath: bare });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelPath",
                reason: `has no signature: ${path.join(path.dirname(bare), "model.json")} is missing; write it with \`python app/convert.py --describe --model model.onnx\``,
            },
        ]);
        const other = madeUpModel("model.joblib", { file: "other.joblib" });
        e = await rejected({ modelPath: other });
        assert.match(
            e.errors[0].reason,
            /^has no signature: .*model\.json describes other\.joblib, not model\.joblib; write it with/,
        );
        const stale = madeUpModel("model.joblib", {});
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
        const onnx = madeUpModel("model.onnx", {});
        const e = await rejected({ modelPath: onnx, modelFormat: "sklearn" });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "modelFormat",
                reason: 'must be the format the model\'s signature gives (onnx); got "sklearn"',
            },
        ]);
    });

    it("an object adopted from a bucket has no signature: tested only with an event given", async () => {
        const adopted = { modelBucketName: "team", modelKey: "m.onnx", modelSha256: "a".repeat(64) };
        await deploy(adopted);
        assert.strictEqual(ofType(INVOCATION).length, 0);
        await deploy({ ...adopted, smokeTestEvent: '{"features": [1, 2]}' });
        assert.strictEqual(one(INVOCATION).inputs.input, '{"features": [1, 2]}');
    });
});

describe("documentMismatch: the request format's shared vectors", () => {
    const vectors = JSON.parse(
        fs.readFileSync(path.join(__dirname, "..", "vectors", "native-requests.json"), "utf8"),
    ) as {
        signatures: { [id: string]: Partial<Signature> };
        cases: {
            name: string;
            signature: string;
            document: { [key: string]: unknown };
            expect: unknown;
            checks: string[];
        }[];
    };
    for (const c of vectors.cases.filter((v) => v.checks.includes("component"))) {
        it(`${c.name}: answered as the function answers it`, () => {
            const signature = { ...vectors.signatures[c.signature], inputs: [] } as unknown as Signature;
            const expected = c.expect === "ok" ? undefined : (c.expect as { message: string }).message;
            assert.strictEqual(documentMismatch(c.document, signature), expected);
        });
    }

    it("reads an HTTP event's body, and leaves alone an event without one", () => {
        const signature = { ...vectors.signatures.s4, inputs: [] } as unknown as Signature;
        const body = JSON.stringify({ features: [1, 2] });
        const event = { requestContext: { http: { method: "POST" } }, body };
        assert.strictEqual(documentMismatch(event, signature), "features has 2 values; the model takes exactly 4");
        const encoded = { ...event, body: Buffer.from(body).toString("base64"), isBase64Encoded: true };
        assert.strictEqual(documentMismatch(encoded, signature), "features has 2 values; the model takes exactly 4");
        assert.strictEqual(documentMismatch({ requestContext: { http: { method: "GET" } } }, signature), undefined);
    });
});
