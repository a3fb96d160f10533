import * as assert from "assert";
import * as lambdaInference from "../../components";
import { InferenceFunction } from "../../components/inferenceFunction";

describe("index: what the package exports", () => {
    it("exports the component, and nothing else a program could come to depend on", () => {
        assert.deepStrictEqual(Object.keys(lambdaInference), ["InferenceFunction"]);
        assert.strictEqual(lambdaInference.InferenceFunction, InferenceFunction);
    });
});
