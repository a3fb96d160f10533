import * as pulumi from "@pulumi/pulumi";
import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "./harness";
import { ofType, one, valueOf } from "./mocks";

const FN = "aws:lambda/function:Function";

describe("optional pieces", () => {
    it("makes none of them unless asked", async () => {
        await deploy();
        for (const type of [
            "aws:lambda/functionUrl:FunctionUrl",
            "aws:lambda/permission:Permission",
            "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
            "aws:appautoscaling/target:Target",
            "aws:cloudwatch/dashboard:Dashboard",
            "aws:codedeploy/application:Application",
        ]) {
            assert.strictEqual(ofType(type).length, 0, `${type} must not exist`);
        }
        // The one command every deploy has: moving the live tag to the image the alias runs.
        assert.deepStrictEqual(
            ofType("command:local:Command").map((c) => c.name),
            ["demo-live-image"],
        );
    });

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

    it("provisioned concurrency: publishes versions, alias live, the config on the alias, URL on the alias", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, provisionedConcurrency: 2, enableFunctionUrl: true });
        assert.strictEqual(one(FN).inputs.publish, true);
        assert.deepStrictEqual(one("aws:lambda/alias:Alias").inputs, {
            name: "live",
            functionName: "demo-fn-1a2b3c",
            functionVersion: "7",
        });
        const pc = one("aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig");
        assert.strictEqual(pc.name, "demo-provisioned");
        assert.deepStrictEqual(pc.inputs, {
            functionName: "demo-fn-1a2b3c",
            qualifier: "live",
            provisionedConcurrentExecutions: 2,
        });
        assert.strictEqual(one("aws:lambda/functionUrl:FunctionUrl").inputs.qualifier, "live");
    });

    it("VPC placement with both lists", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            vpcSubnetIds: ["subnet-a", "subnet-b"],
            vpcSecurityGroupIds: ["sg-1"],
        });
        assert.deepStrictEqual(one(FN).inputs.vpcConfig, {
            subnetIds: ["subnet-a", "subnet-b"],
            securityGroupIds: ["sg-1"],
        });
    });

    it("VPC lists given as Outputs of lists (as awsx.ec2.Vpc exposes them)", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            vpcSubnetIds: pulumi.output(["subnet-a"]),
            vpcSecurityGroupIds: pulumi.output(["sg-1"]),
        });
        assert.deepStrictEqual(one(FN).inputs.vpcConfig, { subnetIds: ["subnet-a"], securityGroupIds: ["sg-1"] });
        assert.strictEqual(one("aws:iam/rolePolicy:RolePolicy", "demo-role-vpc-access").name, "demo-role-vpc-access");
    });

    it("active X-Ray tracing", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, enableTracing: true });
        assert.deepStrictEqual(one(FN).inputs.tracingConfig, { mode: "Active" });
    });
});
