import * as assert from "assert";
import { FIXTURE_MODEL, rejected } from "../../harness";

/** Constructs the component, expecting one InputPropertiesError; returns it after checking nothing was registered. */

describe("bad input", () => {
    it("provisioned concurrency above the reserved concurrency, and empty VPC lists", async () => {
        const e = await rejected({
            modelPath: FIXTURE_MODEL,
            reservedConcurrency: 2,
            provisionedConcurrency: 3,
            vpcSubnetIds: [],
            vpcSecurityGroupIds: [],
        });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "provisionedConcurrency", reason: "must not exceed reservedConcurrency (2); got 3" },
            { propertyPath: "vpcSubnetIds", reason: "must hold at least one id" },
            { propertyPath: "vpcSecurityGroupIds", reason: "must hold at least one id" },
        ]);
    });
});
