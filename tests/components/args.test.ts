import * as assert from "assert";
import { defaultText, documentedProperties } from "../argsDocs";

describe("args: every argument is documented for every language's SDK", () => {
    const properties = documentedProperties();

    it("reads the six argument interfaces", () => {
        assert.deepStrictEqual([...new Set(properties.map((p) => p.owner))].sort(), [
            "AsyncInferenceArgs",
            "BatchTransformArgs",
            "CapacityProviderArgs",
            "DataCaptureArgs",
            "InferenceFunctionArgs",
            "ModelEntryArgs",
        ]);
    });

    it("each property says what it is and states its default, or that it is required", () => {
        const lacking = properties
            .filter((p) => p.doc.length < 20 || (defaultText(p.doc) === undefined && !/\bRequired\b/.test(p.doc)))
            .map((p) => `${p.owner}.${p.name}`);
        assert.deepStrictEqual(lacking, []);
    });
});
