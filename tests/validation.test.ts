import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction, InferenceFunctionArgs } from "../components";
import { FIXTURE_MODEL, rejected, writeSignature } from "./harness";
import { mocks, settle } from "./mocks";

/** Constructs the component, expecting one InputPropertiesError; returns it after checking nothing was registered. */

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-validation-"));
const emptyApp = fs.mkdtempSync(path.join(tmp, "app-"));

describe("bad input", () => {
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("lists every problem at once, each with its property path", async () => {
        const e = await rejected({
            modelPath: FIXTURE_MODEL,
            architecture: "amd64",
            memorySize: 64,
            timeout: 901,
            ephemeralStorageSize: 512.5,
            reservedConcurrency: -1,
            provisionedConcurrency: 0,
            keepImages: 1.5,
            logRetentionDays: 10,
            functionUrlAuthType: "PUBLIC",
            vpcSubnetIds: ["subnet-1"],
            environment: { MODEL_SHA256: "x", "1BAD": "y" },
        });
        assert.strictEqual(e.message, 'InferenceFunction "demo" has 12 invalid arguments');
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "architecture", reason: 'must be one of "x86_64", "arm64"; got "amd64"' },
            { propertyPath: "memorySize", reason: "must be an integer from 128 to 10240 (MB); got 64" },
            { propertyPath: "timeout", reason: "must be an integer from 1 to 900 (seconds); got 901" },
            { propertyPath: "ephemeralStorageSize", reason: "must be an integer from 512 to 10240 (MB); got 512.5" },
            { propertyPath: "reservedConcurrency", reason: "must be an integer from 0 to 1000000; got -1" },
            { propertyPath: "provisionedConcurrency", reason: "must be an integer from 1 to 1000000; got 0" },
            { propertyPath: "keepImages", reason: "must be an integer from 1 to 1000; got 1.5" },
            {
                propertyPath: "logRetentionDays",
                reason: "must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; got 10",
            },
            { propertyPath: "functionUrlAuthType", reason: 'must be one of "AWS_IAM", "NONE"; got "PUBLIC"' },
            { propertyPath: "vpcSecurityGroupIds", reason: "must be given together with vpcSubnetIds" },
            {
                propertyPath: "environment.MODEL_SHA256",
                reason: "is set by the component (the model's location and identity, where jobs and data capture read and write, and how S3 is reached) and may not be overridden",
            },
            {
                propertyPath: "environment.1BAD",
                reason: "must be a name of letters, digits and underscores that starts with a letter",
            },
        ]);
    });

    it("a missing app directory", async () => {
        const missing = path.join(tmp, "nope");
        const e = await rejected({ modelPath: FIXTURE_MODEL, appPath: missing });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "appPath", reason: `must be an existing directory; ${missing} is not one` },
        ]);
        assert.strictEqual(e.message, 'InferenceFunction "demo" has 1 invalid argument');
    });

    it("an app directory without a Dockerfile, or a dockerfile that is not there", async () => {
        let e = await rejected({ modelPath: FIXTURE_MODEL, appPath: emptyApp });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "appPath",
                reason: `must name a Dockerfile inside appPath; ${path.join(emptyApp, "Dockerfile")} does not exist`,
            },
        ]);
        e = await rejected({ modelPath: FIXTURE_MODEL, dockerfile: "Dockerfile.gpu" });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "dockerfile",
                reason: `must name a Dockerfile inside appPath; ${path.resolve(__dirname, "..", "app", "Dockerfile.gpu")} does not exist`,
            },
        ]);
    });

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

    it("provisioned concurrency above the reserved concurrency, and empty VPC lists", async () => {
        const e = await rejected({
            modelPath: FIXTURE_MODEL,
            reservedConcurrency: 2,
            provisionedConcurrency: 3,
            vpcSubnetIds: [],
            vpcSecurityGroupIds: [],
        });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "provisionedConcurrency", reason: "must not exceed reservedConcurrency (2); got 3" },
            { propertyPath: "vpcSubnetIds", reason: "must hold at least one id" },
            { propertyPath: "vpcSecurityGroupIds", reason: "must hold at least one id" },
        ]);
    });

    it("does not judge Outputs: their values are only known at deploy time", async () => {
        mocks.reset();
        new InferenceFunction("demo", {
            modelBucketName: pulumi.output("team-models"),
            modelKey: pulumi.output("/odd/key"),
            modelSha256: pulumi.output("not-a-sha"),
            modelFormat: "onnx",
        });
        await settle();
        const fn = mocks.resources.find((r) => r.name === "demo-fn");
        assert.strictEqual(fn?.inputs.environment.variables.MODEL_SHA256, "not-a-sha");
        assert.strictEqual(fn?.inputs.environment.variables.MODEL_KEY, "/odd/key");
    });

    it("treats null (from other languages) as absent", async () => {
        mocks.reset();
        const nulls = {
            memorySize: null,
            tags: null,
            environment: null,
            vpcSubnetIds: null,
            vpcSecurityGroupIds: null,
        };
        new InferenceFunction("demo", { modelPath: FIXTURE_MODEL, ...nulls } as unknown as InferenceFunctionArgs);
        await settle();
        const fn = mocks.resources.find((r) => r.name === "demo-fn");
        assert.strictEqual(fn?.inputs.memorySize, 1024);
        assert.strictEqual("vpcConfig" in (fn?.inputs ?? {}), false);
        assert.strictEqual("tags" in (fn?.inputs ?? {}), false);
        assert.deepStrictEqual(Object.keys(fn?.inputs.environment.variables).sort(), [
            "INIT_BUDGET_SECONDS",
            "METRICS_NAMESPACE",
            "MODEL_BUCKET",
            "MODEL_FORMAT",
            "MODEL_KEY",
            "MODEL_NAME",
            "MODEL_SHA256",
            "MODEL_VERSION_ID",
        ]);
    });
});
