import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { renderReadme } from "../../scripts/docs";
import { buildSchema } from "../../scripts/schema";

const ROOT = path.resolve(__dirname, "..", "..");
const TOKEN = "lambda-inference:index:InferenceFunction";

const INPUTS: { [name: string]: [type: string, plain: boolean] } = {
    appPath: ["string", true],
    dockerfile: ["string", true],
    buildArgs: ["object", true],
    buildTarget: ["string", true],
    architecture: ["string", true],
    modelPath: ["string", true],
    modelFormat: ["string", true],
    modelDelivery: ["string", true],
    modelKey: ["string", false],
    modelBucketName: ["string", false],
    modelSha256: ["string", false],
    modelName: ["string", true],
    models: ["array", true],
    modelCacheBytes: ["number", true],
    preloadModels: ["array", true],
    memorySize: ["number", true],
    timeout: ["number", true],
    ephemeralStorageSize: ["number", true],
    reservedConcurrency: ["number", true],
    provisionedConcurrency: ["number", true],
    provisionedConcurrencyMax: ["number", true],
    provisionedConcurrencyTargetUtilization: ["number", true],
    deploymentStrategy: ["string", true],
    enableAlarms: ["boolean", true],
    alarmActions: ["array", false],
    maxClientErrorRate: ["number", true],
    metricsNamespace: ["string", true],
    initBudgetSeconds: ["number", true],
    enableDashboard: ["boolean", true],
    smokeTest: ["boolean", true],
    smokeTestEvent: ["string", false],
    environment: ["object", true],
    logRetentionDays: ["number", true],
    enableTracing: ["boolean", true],
    enableFunctionUrl: ["boolean", true],
    functionUrlAuthType: ["string", true],
    vpcSubnetIds: ["array", false],
    vpcSecurityGroupIds: ["array", false],
    keepImages: ["number", true],
    forceDestroy: ["boolean", true],
    kmsKeyArn: ["string", false],
    permissionsBoundary: ["string", false],
    rolePath: ["string", true],
    computeType: ["string", true],
    capacityProviderArn: ["string", false],
    capacityProvider: ["#/types/lambda-inference:index:CapacityProviderArgs", true],
    maxConcurrencyPerEnvironment: ["number", true],
    memoryGiBPerVcpu: ["number", true],
    pythonVersion: ["string", true],
    snapStart: ["boolean", true],
    asyncInference: ["#/types/lambda-inference:index:AsyncInferenceArgs", true],
    batchTransform: ["#/types/lambda-inference:index:BatchTransformArgs", true],
    dataCapture: ["#/types/lambda-inference:index:DataCaptureArgs", true],
    tags: ["object", true],
};

/** Outputs that exist only when the feature that makes them is on. */
const OPTIONAL_OUTPUTS = [
    "functionUrl",
    "dashboardUrl",
    "deploymentGroupName",
    "queueUrl",
    "queueArn",
    "deadLetterQueueUrl",
    "outputBucketName",
    "stateMachineArn",
    "batchOutputUri",
    "capacityProviderArn",
    "dataCaptureUri",
];

const OUTPUTS = [
    "repositoryUrl",
    "imageUri",
    "imageDigest",
    "functionName",
    "functionArn",
    "roleArn",
    "modelBucketName",
    "modelKey",
    "modelVersionId",
    "logGroupName",
    "aliasName",
    "aliasArn",
    "functionVersion",
    ...OPTIONAL_OUTPUTS,
];

describe("package schema (what `pulumi package add` gives other languages)", function () {
    this.timeout(60_000);
    let schema: any;
    before(async () => {
        schema = await buildSchema();
    });

    it("has the component token, named after package.json", () => {
        assert.strictEqual(schema.name, "lambda-inference");
        assert.deepStrictEqual(Object.keys(schema.resources), [TOKEN]);
        assert.strictEqual(schema.resources[TOKEN].isComponent, true);
        assert.match(schema.resources[TOKEN].description, /^A Python machine-learning model served by AWS Lambda/);
    });

    it("has every input, optional, with its type, plainness and a description", () => {
        const r = schema.resources[TOKEN];
        assert.deepStrictEqual(Object.keys(r.inputProperties).sort(), Object.keys(INPUTS).sort());
        assert.deepStrictEqual(r.requiredInputs ?? [], []);
        for (const [name, [type, plain]] of Object.entries(INPUTS)) {
            const p = r.inputProperties[name];
            assert.strictEqual(type.startsWith("#/types/") ? p.$ref : p.type, type, `${name} type`);
            assert.strictEqual(p.plain === true, plain, `${name} plain`);
            assert.strictEqual(p.optional, true, `${name} optional`);
            assert.ok(
                p.description && /Defaults?\s+to|Required\s+unless|required\s+when/i.test(p.description),
                `${name} states its default`,
            );
        }
        for (const map of ["buildArgs", "environment", "tags"]) {
            assert.deepStrictEqual(r.inputProperties[map].additionalProperties, { type: "string" });
        }
    });

    it("describes every field of the job types, with its default", () => {
        const types = schema.types;
        assert.deepStrictEqual(Object.keys(types).sort(), [
            "lambda-inference:index:AsyncInferenceArgs",
            "lambda-inference:index:BatchTransformArgs",
            "lambda-inference:index:CapacityProviderArgs",
            "lambda-inference:index:DataCaptureArgs",
            "lambda-inference:index:ModelEntryArgs",
        ]);
        for (const [token, t] of Object.entries<any>(types)) {
            for (const [field, p] of Object.entries<any>(t.properties)) {
                assert.ok(
                    /Defaults?\s+to|Required\./.test(p.description ?? ""),
                    `${token}.${field} states its default`,
                );
            }
        }
        assert.deepStrictEqual(types["lambda-inference:index:BatchTransformArgs"].required, ["inputBucketName"]);
        // A bucket may come from another resource; everything else about capture is known at plan time.
        const capture = types["lambda-inference:index:DataCaptureArgs"];
        assert.deepStrictEqual(capture.required, []);
        assert.deepStrictEqual(
            Object.entries<any>(capture.properties).map(([k, p]) => [k, p.type, p.plain === true]),
            [
                ["samplingPercentage", "number", true],
                ["captureInputs", "boolean", true],
                ["captureOutputs", "boolean", true],
                ["bucketName", "string", false],
                ["prefix", "string", true],
                ["maxBufferSeconds", "number", true],
            ],
        );
        assert.strictEqual(
            types["lambda-inference:index:BatchTransformArgs"].properties.inputBucketName.plain,
            undefined,
        );
    });

    it("has every output with a description; all but the optional ones always present", () => {
        const r = schema.resources[TOKEN];
        assert.deepStrictEqual(Object.keys(r.properties).sort(), [...OUTPUTS].sort());
        assert.deepStrictEqual([...r.required].sort(), OUTPUTS.filter((o) => !OPTIONAL_OUTPUTS.includes(o)).sort());
        for (const name of OUTPUTS) {
            assert.strictEqual(r.properties[name].type, "string");
            assert.ok(r.properties[name].description, `${name} has a description`);
        }
    });

    it("matches the committed schema.json (regenerate with `npm run schema`)", () => {
        const committed = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8"));
        assert.deepStrictEqual(schema, committed);
    });

    it("matches the README's inputs/outputs tables (regenerate with `npm run docs`)", () => {
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        assert.ok(renderReadme(readme, schema) === readme, "README.md tables are stale: run `npm run docs`");
    });
});
