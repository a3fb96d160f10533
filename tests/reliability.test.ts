import * as assert from "assert";
import { ROLLOUT_SCRIPT } from "../components/deployment";
import { deploy, FIXTURE_MODEL, rejected } from "./harness";
import { dependenciesOf, IMAGE_DIGEST, one } from "./mocks";

const FN = "aws:lambda/function:Function";

describe("the image live runs stays in the repository", () => {
    it("all at once: once the alias moved, the live tag moves to the new image, without a shell", async () => {
        await deploy();
        const tag = one("command:local:Command", "demo-live-image");
        assert.deepStrictEqual(tag.inputs.interpreter, ["node", ROLLOUT_SCRIPT]);
        assert.strictEqual(tag.inputs.create, "tag-live-image");
        assert.deepStrictEqual(tag.inputs.environment, {
            LIVE_IMAGE_REPOSITORY: "demo-repo-1a2b3c",
            LIVE_IMAGE_REGISTRY_ID: "123456789012",
            LIVE_IMAGE_DIGEST: IMAGE_DIGEST,
            LIVE_IMAGE_TAG: "live",
            AWS_REGION: "us-east-1",
        });
        assert.deepStrictEqual(tag.inputs.triggers, [IMAGE_DIGEST], "a new image moves it; a new model in S3 does not");
        assert.ok(
            dependenciesOf("command:local:Command", "demo-live-image").includes("aws:lambda/alias:Alias::demo-alias"),
        );
    });

    it("gradual: only once the rollout succeeded (a rolled-back deploy leaves the tag on the running image)", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: "Linear10PercentEvery1Minute" });
        assert.ok(
            dependenciesOf("command:local:Command", "demo-live-image").includes("command:local:Command::demo-rollout"),
        );
    });
});

describe("init budget", () => {
    it("reaches the function: 9 s by default, or what is given", async () => {
        await deploy();
        assert.strictEqual(one(FN).inputs.environment.variables.INIT_BUDGET_SECONDS, "9");
        await deploy({ modelPath: FIXTURE_MODEL, initBudgetSeconds: 60, timeout: 120 });
        assert.strictEqual(one(FN).inputs.environment.variables.INIT_BUDGET_SECONDS, "60");
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
