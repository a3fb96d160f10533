import * as assert from "assert";
import { deploy, FIXTURE_MODEL, reasonsOf, rejected, warningsOf } from "../../harness";
import { one } from "../../mocks";

const FN = "aws:lambda/function:Function";
const INVOCATION = "aws:lambda/invocation:Invocation";

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

describe("snapStart", () => {
    it("is refused with what Lambda never takes with it, each named by its own argument", async () => {
        const error = await rejected({
            modelPath: FIXTURE_MODEL,
            snapStart: true,
            provisionedConcurrency: 2,
            ephemeralStorageSize: 10240,
        });
        assert.deepStrictEqual(reasonsOf(error), [
            "provisionedConcurrency: must not be set with snapStart: Lambda takes either on a function, not both (SnapStart restores an environment per cold start; provisioned concurrency keeps them initialised)",
            "ephemeralStorageSize: must be at most 512 with snapStart (the snapshot holds /tmp); got 10240",
        ]);
        const notBoolean = await rejected({ modelPath: FIXTURE_MODEL, snapStart: "yes" as unknown as boolean });
        assert.deepStrictEqual(reasonsOf(notBoolean), ['snapStart: must be true or false; got "yes"']);
    });

    it("snapshots each published version, which the smoke test then invokes restored", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, snapStart: true, ephemeralStorageSize: 512 });
        assert.deepStrictEqual(one(FN).inputs.snapStart, { applyOn: "PublishedVersions" });
        assert.strictEqual(one(FN).inputs.publish, true);
        assert.strictEqual(
            one(INVOCATION).inputs.qualifier,
            "7",
            "the new version: every one of its environments a restore",
        );
    });

    it("warns that a Dockerfile of the user's own must be snapshottable", async () => {
        const warnings = await warningsOf(async () => {
            await deploy({ modelPath: FIXTURE_MODEL, snapStart: true });
            await deploy({ modelPath: FIXTURE_MODEL, snapStart: true, dockerfile: "Dockerfile" });
        });
        assert.deepStrictEqual(warnings, [
            'InferenceFunction "demo": snapStart needs an image Lambda may snapshot: one on an AWS base image for Python 3.12 or later, or one labelled com.amazonaws.lambda.feature.snapstart="Allow" (as the bundled app/Dockerfile is); otherwise publishing each version fails',
        ]);
    });
});
