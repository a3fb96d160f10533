import * as assert from "assert";
import { FIXTURE_MODEL, rejected } from "../../harness";
import { mocks, settle } from "../../mocks";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction, InferenceFunctionArgs } from "../../../components";

/** Constructs the component, expecting one InputPropertiesError; returns it after checking nothing was registered. */

describe("bad reliability settings", () => {
    it("an init budget beyond what Lambda allows or beyond the timeout, a 4xx share out of range, a bad namespace", async () => {
        const e = await rejected({
            modelPath: FIXTURE_MODEL,
            initBudgetSeconds: 45,
            maxClientErrorRate: 0,
            metricsNamespace: "AWS/Lambda",
        });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "initBudgetSeconds",
                reason: "must not exceed timeout (30 s): past Lambda's 10 s init, init is retried inside the first invoke, which the timeout ends; got 45",
            },
            {
                propertyPath: "maxClientErrorRate",
                reason: "must be a number from 0.01 to 1 (a share of the version's answers); got 0",
            },
            {
                propertyPath: "metricsNamespace",
                reason: 'must not start with "AWS/", which CloudWatch keeps for AWS\'s own metrics; got "AWS/Lambda"',
            },
        ]);
        const more = await rejected({
            modelPath: FIXTURE_MODEL,
            initBudgetSeconds: 0.5,
            metricsNamespace: "has space",
        });
        assert.deepStrictEqual(more.errors, [
            { propertyPath: "initBudgetSeconds", reason: "must be an integer from 1 to 900 (seconds); got 0.5" },
            {
                propertyPath: "metricsNamespace",
                reason: 'must be 1 to 255 letters, digits and . - _ / # : (a CloudWatch namespace); got "has space"',
            },
        ]);
    });
});

describe("bad input", () => {
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
            { propertyPath: "keepImages", reason: "must be an integer from 1 to 1000; got 1.5" },
            { propertyPath: "memorySize", reason: "must be an integer from 128 to 10240 (MB); got 64" },
            { propertyPath: "timeout", reason: "must be an integer from 1 to 900 (seconds); got 901" },
            { propertyPath: "ephemeralStorageSize", reason: "must be an integer from 512 to 10240 (MB); got 512.5" },
            { propertyPath: "reservedConcurrency", reason: "must be an integer from 0 to 1000000; got -1" },
            { propertyPath: "provisionedConcurrency", reason: "must be an integer from 1 to 1000000; got 0" },
            {
                propertyPath: "environment.MODEL_SHA256",
                reason: "is set by the component (the model's location and identity, where jobs and data capture read and write, and how S3 is reached) and may not be overridden",
            },
            {
                propertyPath: "environment.1BAD",
                reason: "must be a name of letters, digits and underscores that starts with a letter",
            },
            { propertyPath: "functionUrlAuthType", reason: 'must be one of "AWS_IAM", "NONE"; got "PUBLIC"' },
            { propertyPath: "vpcSecurityGroupIds", reason: "must be given together with vpcSubnetIds" },
            {
                propertyPath: "logRetentionDays",
                reason: "must be one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653; got 10",
            },
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
