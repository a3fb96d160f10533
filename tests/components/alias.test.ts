import * as assert from "assert";
import { InferenceFunctionArgs } from "../../components";
import { deploy, deployRecordingOptions, FIXTURE_MODEL } from "../harness";
import { one, valueOf } from "../mocks";

const GRADUAL: InferenceFunctionArgs = { modelPath: FIXTURE_MODEL, deploymentStrategy: "Canary10Percent5Minutes" };

const FN = "aws:lambda/function:Function";

describe("gradual rollout with CodeDeploy", () => {
    it("Pulumi creates the alias, then leaves its version and weights to CodeDeploy", async () => {
        const options = (await deployRecordingOptions(GRADUAL)).options;
        assert.deepStrictEqual(options["demo-alias"].ignoreChanges, ["functionVersion", "routingConfig"]);
        assert.strictEqual(one("aws:lambda/alias:Alias").inputs.functionVersion, "7");
        const allAtOnce = (await deployRecordingOptions({ modelPath: FIXTURE_MODEL })).options;
        assert.strictEqual(allAtOnce["demo-alias"].ignoreChanges, undefined);
    });
});

describe("optional pieces", () => {
    it("always publishes a version and points the live alias at it (AllAtOnce)", async () => {
        const fn = await deploy();
        assert.strictEqual(one(FN).inputs.publish, true);
        assert.deepStrictEqual(one("aws:lambda/alias:Alias").inputs, {
            name: "live",
            functionName: "demo-fn-1a2b3c",
            functionVersion: "7",
        });
        assert.strictEqual(await valueOf(fn.aliasName), "live");
        assert.strictEqual(
            await valueOf(fn.aliasArn),
            "arn:aws:lambda:us-east-1:123456789012:function:demo-fn-1a2b3c:live",
        );
        assert.strictEqual(await valueOf(fn.functionVersion), "7");
        assert.deepStrictEqual([fn.dashboardUrl, fn.deploymentGroupName], [undefined, undefined]);
    });
});
