import * as assert from "assert";
import { endpointFromEnv, requestFromEnv } from "../../../components/rollout/env";

const FUNCTION_ARN = "arn:aws:lambda:us-east-1:123456789012:function:demo-fn-1a2b3c";
describe("the rollout's environment (read strictly)", () => {
    const good = {
        ROLLOUT_FUNCTION_ARN: FUNCTION_ARN,
        ROLLOUT_ALIAS: "live",
        ROLLOUT_TARGET_VERSION: "8",
        ROLLOUT_APPLICATION: "app",
        ROLLOUT_DEPLOYMENT_GROUP: "g",
        ROLLOUT_TIMEOUT_SECONDS: "2100",
    };

    it("reads a complete request, polling every 15 s unless told", () => {
        assert.deepStrictEqual(requestFromEnv(good), {
            functionArn: FUNCTION_ARN,
            alias: "live",
            targetVersion: "8",
            application: "app",
            deploymentGroup: "g",
            timeoutSeconds: 2100,
            pollSeconds: 15,
        });
        assert.strictEqual(requestFromEnv({ ...good, ROLLOUT_POLL_SECONDS: "5" }).pollSeconds, 5);
    });

    it("refuses every malformed number by name instead of polling forever", () => {
        for (const [name, value] of [
            ["ROLLOUT_POLL_SECONDS", "15s"],
            ["ROLLOUT_POLL_SECONDS", "0"],
            ["ROLLOUT_POLL_SECONDS", "1e3"],
            ["ROLLOUT_TIMEOUT_SECONDS", "-5"],
            ["ROLLOUT_TIMEOUT_SECONDS", "NaN"],
        ]) {
            assert.throws(
                () => requestFromEnv({ ...good, [name]: value }),
                new RegExp(
                    `^EnvironmentError: ${name} must be a whole number of seconds from 1 to \\d+; got "${value}"$`,
                ),
            );
        }
        assert.throws(
            () => requestFromEnv({ ...good, ROLLOUT_TARGET_VERSION: "$LATEST" }),
            /ROLLOUT_TARGET_VERSION must be a published version number; got "\$LATEST"/,
        );
    });

    it("sends AWS calls elsewhere only in the tests' own mode, and only to loopback", () => {
        assert.strictEqual(endpointFromEnv({}), undefined);
        assert.throws(
            () => endpointFromEnv({ LAMBDA_INFERENCE_TEST_ENDPOINT_URL: "http://127.0.0.1:5000" }),
            /LAMBDA_INFERENCE_TEST_ENDPOINT_URL is honoured only with LAMBDA_INFERENCE_TEST_MODE=1/,
        );
        assert.throws(
            () =>
                endpointFromEnv({
                    LAMBDA_INFERENCE_TEST_MODE: "1",
                    LAMBDA_INFERENCE_TEST_ENDPOINT_URL: "https://evil.example.com",
                }),
            /must be a loopback http:\/\/127\.0\.0\.1:<port>; got https:\/\/evil\.example\.com/,
        );
        assert.strictEqual(
            endpointFromEnv({
                LAMBDA_INFERENCE_TEST_MODE: "1",
                LAMBDA_INFERENCE_TEST_ENDPOINT_URL: "http://127.0.0.1:5000",
            }),
            "http://127.0.0.1:5000",
        );
        // The old variable a stray environment might still carry is ignored, not honoured.
        assert.strictEqual(endpointFromEnv({ ROLLOUT_ENDPOINT_URL: "http://attacker:1" }), undefined);
    });
});
