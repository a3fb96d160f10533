import * as assert from "assert";
import { FIXTURE_MODEL, rejected } from "../../harness";

describe("bad rollout settings", () => {
    it("scaling bounds that cannot work, and a utilisation target without scaling", async () => {
        let e = await rejected({ modelPath: FIXTURE_MODEL, provisionedConcurrency: 5, provisionedConcurrencyMax: 5 });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "provisionedConcurrencyMax",
                reason: "must be greater than provisionedConcurrency (5); got 5",
            },
        ]);
        e = await rejected({
            modelPath: FIXTURE_MODEL,
            reservedConcurrency: 8,
            provisionedConcurrency: 2,
            provisionedConcurrencyMax: 9,
        });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "provisionedConcurrencyMax", reason: "must not exceed reservedConcurrency (8); got 9" },
        ]);
        e = await rejected({
            modelPath: FIXTURE_MODEL,
            provisionedConcurrency: 2,
            provisionedConcurrencyTargetUtilization: 0.5,
        });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "provisionedConcurrencyTargetUtilization",
                reason: "is used only with provisionedConcurrencyMax (the utilisation autoscaling tracks)",
            },
        ]);
    });
});
