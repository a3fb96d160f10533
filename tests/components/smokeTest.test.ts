import * as assert from "assert";
import { checkSmokeAnswer } from "../../components/smokeTest";
import { deploy, FIXTURE_MODEL, FIXTURE_SHA256, runFailedDeploy } from "../harness";
import { dependenciesOf, one } from "../mocks";

const FN_NAME = "demo-fn-1a2b3c";
const SMOKE = '{"features": [5.1, 3.5, 1.4, 0.2]}';

describe("smoke test of each new version", () => {
    it("invokes the published version (not the alias) with the event, once per version and model", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, smokeTestEvent: SMOKE });
        assert.deepStrictEqual(one("aws:lambda/invocation:Invocation").inputs, {
            functionName: FN_NAME,
            qualifier: "7",
            input: SMOKE,
            triggers: { version: "7", sha256: FIXTURE_SHA256 },
        });
        assert.ok(
            dependenciesOf("aws:lambda/alias:Alias", "demo-alias").includes(
                "aws:lambda/invocation:Invocation::demo-smoke-test",
            ),
            "the alias moves only once the smoke test answered",
        );
    });

    it("checkSmokeAnswer: the version for a prediction carrying the model's sha256 prefix; else the answer quoted", () => {
        const ok = JSON.stringify({
            predictions: ["setosa"],
            model: { versionId: "v", sha256: FIXTURE_SHA256.slice(0, 12) },
        });
        assert.strictEqual(checkSmokeAnswer(ok, FIXTURE_SHA256, "7"), "7");
        const viaUrl = JSON.stringify({ statusCode: 200, body: ok });
        assert.strictEqual(checkSmokeAnswer(viaUrl, FIXTURE_SHA256, "7"), "7");
        // A model served through the inference protocol only answers its sample in the protocol's shape.
        const tensors = JSON.stringify({
            model_name: "demo",
            model_version: "v",
            parameters: { model_sha256: FIXTURE_SHA256.slice(0, 12) },
            outputs: [{ name: "y", datatype: "FP32", shape: [1], data: [0.5] }],
        });
        assert.strictEqual(checkSmokeAnswer(tensors, FIXTURE_SHA256, "7"), "7");
        const cases: [string, string][] = [
            [
                JSON.stringify({ outputs: [], parameters: { model_sha256: "000000000000" } }),
                'it served model "000000000000", not the deployed 39305563f127',
            ],
            [
                JSON.stringify({ status: 400, error: "input 'k' (INT64 [-1, 1]) is missing", code: "missing_input" }),
                "not a prediction",
            ],
            [
                JSON.stringify({ predictions: [1], model: { sha256: "000000000000" } }),
                'it served model "000000000000", not the deployed 39305563f127',
            ],
            [JSON.stringify({ status: 400, error: "wrong_feature_count", message: "..." }), "not a prediction"],
            [JSON.stringify({ statusCode: 500, body: "{}" }), "status 500"],
            ["Task timed out", "not a JSON answer"],
        ];
        for (const [answer, why] of cases) {
            assert.throws(
                () => checkSmokeAnswer(answer, FIXTURE_SHA256, "7"),
                new Error(
                    `smoke test of version 7 failed: ${why}; the answer was ${answer}; no traffic was moved to it`,
                ),
            );
        }
    });

    for (const [scenario, withheld] of [
        ["smoke", "aws:lambda/alias:Alias"],
        ["smoke-gradual", "command:local:Command"],
    ] as const) {
        it(`a failing answer fails the deploy before ${scenario === "smoke" ? "the alias moves" : "the rollout starts"}`, function () {
            this.timeout(60_000);
            const report = runFailedDeploy(scenario);
            assert.match(
                String(report.error),
                /smoke test of version 7 failed: not a prediction; the answer was \{"status":500,"error":"internal_error"/,
            );
            assert.strictEqual(report.registered["aws:lambda/invocation:Invocation"], 1);
            assert.strictEqual(report.registered[withheld], 0, `${withheld} never registered`);
        });
    }
});
