import * as assert from "assert";
import { deploy, FIXTURE_MODEL, rejected } from "../../harness";
import { one } from "../../mocks";
import * as pulumi from "@pulumi/pulumi";

const FN = "aws:lambda/function:Function";

describe("dataCapture", () => {
    it("the environment may not set capture's variables", async () => {
        const error = await rejected({ modelPath: FIXTURE_MODEL, environment: { CAPTURE_URI: "s3://x/" } });
        assert.deepStrictEqual(
            error.errors.map((e) => e.propertyPath),
            ["environment.CAPTURE_URI"],
        );
    });
});

describe("hardening", () => {
    describe("the environment", () => {
        it("reserves every name the app reads for its model and S3, and what Lambda sets", async () => {
            const names = [
                "MODEL_PATH",
                "MODEL_FORMAT",
                "MODEL_CACHE_DIR",
                "AWS_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_S3",
                "AWS_ENDPOINT_URL_STS",
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
            ];
            const e = await rejected({
                modelPath: FIXTURE_MODEL,
                environment: Object.fromEntries(
                    [...names, "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER"].map((n) => [n, "x"]),
                ),
            });
            const owned =
                "is set by the component (the model's location and identity, where jobs and data capture read and write, and how S3 is reached) and may not be overridden";
            assert.deepStrictEqual(e.errors, [
                ...names.map((n) => ({ propertyPath: `environment.${n}`, reason: owned })),
                {
                    propertyPath: "environment.AWS_LAMBDA_FUNCTION_NAME",
                    reason: "is reserved by Lambda, which sets it itself",
                },
                { propertyPath: "environment._HANDLER", reason: "is reserved by Lambda, which sets it itself" },
            ]);
        });

        it("checks the app's limits as the app will, and does not judge Outputs", async () => {
            const e = await rejected({
                modelPath: FIXTURE_MODEL,
                environment: { MAX_BATCH_ROWS: "0", MAX_BODY_BYTES: "1MB" },
            });
            assert.deepStrictEqual(e.errors, [
                {
                    propertyPath: "environment.MAX_BATCH_ROWS",
                    reason: 'must be an integer from 1 to 1000000 (the app refuses anything else at init); got "0"',
                },
                {
                    propertyPath: "environment.MAX_BODY_BYTES",
                    reason: 'must be an integer from 1 to 6291456 (the app refuses anything else at init); got "1MB"',
                },
            ]);
            await deploy({
                modelPath: FIXTURE_MODEL,
                environment: { MAX_BATCH_ROWS: "250", MAX_BODY_BYTES: pulumi.output("later") },
            });
            assert.strictEqual(one(FN).inputs.environment.variables.MAX_BATCH_ROWS, "250");
        });

        it("checks a text model's pooling and normalisation against the values the app takes", async () => {
            const e = await rejected({
                modelPath: FIXTURE_MODEL,
                environment: { EMBEDDING_POOLING: "max", EMBEDDING_NORMALIZE: "no", MAX_TEXT_CHARS: "0" },
            });
            assert.deepStrictEqual(e.errors, [
                {
                    propertyPath: "environment.EMBEDDING_POOLING",
                    reason: 'must be one of mean, cls, none (the app refuses anything else at init); got "max"',
                },
                {
                    propertyPath: "environment.EMBEDDING_NORMALIZE",
                    reason: 'must be one of true, false (the app refuses anything else at init); got "no"',
                },
                {
                    propertyPath: "environment.MAX_TEXT_CHARS",
                    reason: 'must be an integer from 1 to 1000000 (the app refuses anything else at init); got "0"',
                },
            ]);
            await deploy({
                modelPath: FIXTURE_MODEL,
                environment: { EMBEDDING_POOLING: "cls", EMBEDDING_NORMALIZE: "false" },
            });
            assert.strictEqual(one(FN).inputs.environment.variables.EMBEDDING_POOLING, "cls");
        });
    });
});

describe("asyncInference", () => {
    it("the environment may not set the job locations", async () => {
        const error = await rejected({ modelPath: FIXTURE_MODEL, environment: { ASYNC_OUTPUT_URI: "s3://x/" } });
        assert.deepStrictEqual(
            error.errors.map((e) => e.propertyPath),
            ["environment.ASYNC_OUTPUT_URI"],
        );
    });
});
