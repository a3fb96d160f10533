import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import { ofType, one, valueOf } from "../mocks";

describe("optional pieces", () => {
    it("function URL: AWS_IAM by default, no public permission", async () => {
        const fn = await deploy({ modelPath: FIXTURE_MODEL, enableFunctionUrl: true });
        const url = one("aws:lambda/functionUrl:FunctionUrl");
        assert.strictEqual(url.name, "demo-url");
        // On the alias: callers reach the version the rollout made live, never $LATEST.
        assert.deepStrictEqual(url.inputs, {
            functionName: "demo-fn-1a2b3c",
            qualifier: "live",
            authorizationType: "AWS_IAM",
        });
        assert.strictEqual(ofType("aws:lambda/permission:Permission").length, 0);
        assert.strictEqual(await valueOf(fn.functionUrl), "https://abcdefghij.lambda-url.us-east-1.on.aws/");
    });

    it("function URL with NONE: both statements Lambda requires for public URLs", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            enableFunctionUrl: true,
            functionUrlAuthType: "NONE",
            reservedConcurrency: 20,
        });
        assert.strictEqual(one("aws:lambda/functionUrl:FunctionUrl").inputs.authorizationType, "NONE");
        assert.deepStrictEqual(one("aws:lambda/permission:Permission", "demo-url-public").inputs, {
            function: "demo-fn-1a2b3c",
            qualifier: "live",
            action: "lambda:InvokeFunctionUrl",
            principal: "*",
            functionUrlAuthType: "NONE",
        });
        assert.deepStrictEqual(one("aws:lambda/permission:Permission", "demo-url-public-invoke").inputs, {
            function: "demo-fn-1a2b3c",
            qualifier: "live",
            action: "lambda:InvokeFunction",
            principal: "*",
            invokedViaFunctionUrl: true,
        });
    });
});
