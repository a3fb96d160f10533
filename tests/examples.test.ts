import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { mocks, ofType, one, settle } from "./mocks";

const ROOT = path.resolve(__dirname, "..");
const EXAMPLES = path.join(ROOT, "examples");

/** What each example's `pulumi config set` would give: the demo model where one is asked for. */
const CONFIG: { [example: string]: { [key: string]: string } } = {
    basic: { modelPath: path.join(ROOT, "app", "model", "model.onnx") },
    canary: { modelPath: path.join(ROOT, "app", "model", "model.onnx") },
    "function-url": { modelPath: path.join(ROOT, "app", "model", "model.onnx") },
    "existing-bucket": { bucket: "ml-artifacts", key: "models/churn.onnx", sha256: "ab".repeat(32) },
};

/** `require("lambda-inference")` from an example resolves to this package's source, as `file:../..` does. */
function resolvingThePackage<T>(run: () => T): T {
    const Module = require("module");
    const original = Module._resolveFilename;
    Module._resolveFilename = function (request: string, ...rest: unknown[]) {
        return original.call(this, request === "lambda-inference" ? path.join(ROOT, "components") : request, ...rest);
    };
    try {
        return run();
    } finally {
        Module._resolveFilename = original;
    }
}

/** Runs an example's index.ts as `pulumi up` would (from its folder, with its config) under mocks. */
async function runExample(example: string): Promise<void> {
    mocks.reset();
    for (const [key, value] of Object.entries(CONFIG[example] ?? {})) {
        pulumi.runtime.setConfig(`lambda-inference:${key}`, value);
    }
    const cwd = process.cwd();
    process.chdir(path.join(EXAMPLES, example));
    try {
        const program = path.join(EXAMPLES, example, "index.ts");
        delete require.cache[require.resolve(program)]; // a second run registers its resources again
        resolvingThePackage(() => require(program));
        await settle();
    } finally {
        process.chdir(cwd);
    }
}

/** The model each example serves, by its path: the one whose signature (model.json) must be used. */
const DEMO = path.join(ROOT, "app", "model", "model.onnx");
const MODEL: { [example: string]: string | undefined } = {
    basic: DEMO,
    "batch-and-queue": DEMO,
    "bundled-model": DEMO,
    canary: DEMO,
    "data-capture": DEMO,
    "existing-bucket": undefined, // adopted from a bucket: no signature, so no smoke event unless given
    "function-url": DEMO,
    "managed-instances": DEMO,
    "many-models": undefined, // three models: each smoke-tested with its own sample (its own test below)
    provisioned: DEMO,
    snapstart: DEMO,
    "text-classifier": path.join(EXAMPLES, "text-classifier", "model", "model.onnx"),
    vpc: DEMO,
    "your-own-model": path.join(EXAMPLES, "your-own-model", "model", "model.onnx"),
};

const programs = fs.readdirSync(EXAMPLES).filter((e) => fs.existsSync(path.join(EXAMPLES, e, "index.ts")));

describe("examples (each index.ts under mocks)", () => {
    it("batch-and-queue: a queue, a state machine over its own bucket, one results bucket", async () => {
        await runExample("batch-and-queue");
        assert.strictEqual(ofType("aws:sqs/queue:Queue").length, 2);
        assert.strictEqual(ofType("aws:sfn/stateMachine:StateMachine").length, 1);
        assert.deepStrictEqual(
            ofType("aws:s3/bucket:Bucket")
                .map((b) => b.name)
                .sort(),
            ["scorer-models", "scorer-results", "scoring-data"],
        );
    });

    it("managed-instances: a capacity provider in the VPC's private subnets, on arm64, Python 3.13", async () => {
        await runExample("managed-instances");
        const provider = one("aws:lambda/capacityProvider:CapacityProvider").inputs;
        assert.deepStrictEqual(provider.instanceRequirements[0].architectures, ["arm64"]);
        assert.strictEqual(provider.capacityProviderScalingConfigs[0].maxVcpuCount, 32);
        const config = one("aws:lambda/function:Function").inputs.capacityProviderConfig;
        assert.deepStrictEqual(
            [
                config.lambdaManagedInstancesCapacityProviderConfig.perExecutionEnvironmentMaxConcurrency,
                config.lambdaManagedInstancesCapacityProviderConfig.executionEnvironmentMemoryGibPerVcpu,
            ],
            [8, 4],
        );
        assert.deepStrictEqual(one("docker-build:index:Image").inputs.buildArgs, {
            BASE_IMAGE: "public.ecr.aws/lambda/python:3.13",
        });
    });

    it("data-capture: a capture bucket, write-only capture, the extension in the image, a dashboard", async () => {
        await runExample("data-capture");
        const env = one("aws:lambda/function:Function").inputs.environment.variables;
        assert.deepStrictEqual(
            [env.CAPTURE_URI, env.CAPTURE_SAMPLING_PERCENTAGE, env.CAPTURE_MAX_SECONDS],
            ["s3://scorer-capture-1a2b3c/capture/", "10", "300"],
        );
        assert.strictEqual(one("docker-build:index:Image").inputs.buildArgs.DATA_CAPTURE, "on");
        assert.strictEqual(ofType("aws:cloudwatch/dashboard:Dashboard").length, 1);
    });

    it("snapstart: each published version snapshotted after init, /tmp within what SnapStart takes", async () => {
        await runExample("snapstart");
        const fn = one("aws:lambda/function:Function").inputs;
        assert.deepStrictEqual(fn.snapStart, { applyOn: "PublishedVersions" });
        assert.deepStrictEqual(fn.ephemeralStorage, { size: 512 });
        assert.strictEqual(ofType("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig").length, 0);
    });

    it("many-models: three models uploaded under their names, a manifest, each smoke-tested with its sample", async () => {
        await runExample("many-models");
        assert.deepStrictEqual(
            ofType("aws:lambda/invocation:Invocation").map((i) => [i.name, JSON.parse(i.inputs.input).model]),
            [
                ["models-smoke-test-iris", "iris"],
                ["models-smoke-test-wine", "wine"],
                ["models-smoke-test-sentiment", "sentiment"],
            ],
        );
        const env = one("aws:lambda/function:Function").inputs.environment.variables;
        assert.strictEqual(JSON.parse(env.MODELS_MANIFEST).key, "models/manifest.json");
        assert.strictEqual(env.PRELOAD_MODELS, "iris,wine");
        assert.strictEqual(one("docker-build:index:Image").inputs.target, "onnx-text");
    });

    it("covers every TypeScript example", () => {
        assert.deepStrictEqual(programs, Object.keys(MODEL));
    });

    for (const example of programs) {
        it(`${example}: deploys its model, smoke-tested with the signature's sample (no event written)`, async () => {
            await runExample(example);
            assert.strictEqual(ofType("lambda-inference:index:InferenceFunction").length, 1);
            const smoke = ofType("aws:lambda/invocation:Invocation");
            const model = MODEL[example];
            if (model === undefined) {
                assert.strictEqual(smoke.length, example === "many-models" ? 3 : 0);
                return;
            }
            const signature = JSON.parse(fs.readFileSync(path.join(path.dirname(model), "model.json"), "utf8"));
            assert.strictEqual(
                one("aws:lambda/function:Function").inputs.environment.variables.MODEL_SHA256,
                signature.sha256,
            );
            assert.strictEqual(smoke.length, 1);
            assert.deepStrictEqual(JSON.parse(smoke[0].inputs.input), signature.sample);
        });
    }
});
