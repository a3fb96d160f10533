import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import * as pulumi from "@pulumi/pulumi";
import { one, valueOf } from "../mocks";

const FN = "aws:lambda/function:Function";

describe("function and log group", () => {
    it("is an x86_64 image function with the documented defaults and JSON logs into its log group", async () => {
        const fn = await deploy();
        const f = one(FN);
        assert.strictEqual(f.name, "demo-fn");
        assert.strictEqual(f.inputs.packageType, "Image");
        assert.deepStrictEqual(f.inputs.architectures, ["x86_64"]);
        assert.strictEqual(f.inputs.memorySize, 1024);
        assert.strictEqual(f.inputs.timeout, 30);
        assert.deepStrictEqual(f.inputs.ephemeralStorage, { size: 512 });
        assert.deepStrictEqual(f.inputs.loggingConfig, { logFormat: "JSON", logGroup: "/aws/lambda/demo-0001" });
        assert.strictEqual(f.inputs.publish, true, "every change publishes a version for the live alias");
        for (const absent of ["handler", "runtime", "reservedConcurrentExecutions", "tracingConfig", "vpcConfig"]) {
            assert.strictEqual(absent in f.inputs, false, `${absent} must be absent`);
        }
        assert.strictEqual(await valueOf(fn.functionName), "demo-fn-1a2b3c");
        assert.strictEqual(
            await valueOf(fn.functionArn),
            "arn:aws:lambda:us-east-1:123456789012:function:demo-fn-1a2b3c",
        );
        assert.strictEqual(fn.functionUrl, undefined);
    });

    it("applies sizes, concurrency, retention and extra environment", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            memorySize: 3008,
            timeout: 120,
            ephemeralStorageSize: 2048,
            reservedConcurrency: 5,
            logRetentionDays: 7,
            environment: { LOG_LEVEL: "DEBUG" },
        });
        const f = one(FN);
        assert.strictEqual(f.inputs.memorySize, 3008);
        assert.strictEqual(f.inputs.timeout, 120);
        assert.deepStrictEqual(f.inputs.ephemeralStorage, { size: 2048 });
        assert.strictEqual(f.inputs.reservedConcurrentExecutions, 5);
        assert.strictEqual(one("aws:cloudwatch/logGroup:LogGroup").inputs.retentionInDays, 7);
        assert.strictEqual(f.inputs.environment.variables.LOG_LEVEL, "DEBUG");
        assert.deepStrictEqual(Object.keys(f.inputs.environment.variables).sort(), [
            "INIT_BUDGET_SECONDS",
            "LOG_LEVEL",
            "METRICS_NAMESPACE",
            "MODEL_BUCKET",
            "MODEL_FORMAT",
            "MODEL_KEY",
            "MODEL_NAME",
            "MODEL_SHA256",
            "MODEL_VERSION_ID",
        ]);
    });
});

describe("optional pieces", () => {
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

describe("init budget", () => {
    it("reaches the function: 9 s by default, or what is given", async () => {
        await deploy();
        assert.strictEqual(one(FN).inputs.environment.variables.INIT_BUDGET_SECONDS, "9");
        await deploy({ modelPath: FIXTURE_MODEL, initBudgetSeconds: 60, timeout: 120 });
        assert.strictEqual(one(FN).inputs.environment.variables.INIT_BUDGET_SECONDS, "60");
    });
});
