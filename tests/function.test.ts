import * as assert from "assert";
import { deploy, FIXTURE_MODEL, FIXTURE_MODEL_READ } from "./harness";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf, mocks, one, valueOf } from "./mocks";

const FN = "aws:lambda/function:Function";

describe("function and log group", () => {
    it("creates the log group with 30 days retention before the function", async () => {
        const fn = await deploy();
        const logs = one("aws:cloudwatch/logGroup:LogGroup");
        assert.strictEqual(logs.name, "demo-logs");
        assert.deepStrictEqual(logs.inputs, { namePrefix: "/aws/lambda/demo-", retentionInDays: 30 });
        // Its first cold start needs the log group, its permissions and the uploaded model.
        const waitsFor = dependenciesOf(FN, "demo-fn");
        for (const dependency of [
            "aws:cloudwatch/logGroup:LogGroup::demo-logs",
            "aws:iam/rolePolicy:RolePolicy::demo-role-logs",
            `aws:iam/rolePolicy:RolePolicy::${FIXTURE_MODEL_READ}`,
            "aws:s3/bucketObjectv2:BucketObjectv2::demo-model",
        ]) {
            assert.ok(waitsFor.includes(dependency), `the function waits for ${dependency}`);
        }
        assert.strictEqual(await valueOf(fn.logGroupName), "/aws/lambda/demo-0001");
    });

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

    it("registers exactly the default resource graph, every child parented to the component", async () => {
        const parents: { [name: string]: pulumi.Resource | undefined } = {};
        const fn = await deploy({ modelPath: FIXTURE_MODEL }, "demo", {
            transformations: [
                (a) => {
                    parents[a.name] = a.opts.parent;
                    return undefined;
                },
            ],
        });
        const counts: { [type: string]: number } = {};
        for (const r of mocks.resources) counts[r.type] = (counts[r.type] ?? 0) + 1;
        assert.deepStrictEqual(counts, {
            "lambda-inference:index:InferenceFunction": 1,
            "aws:ecr/repository:Repository": 1,
            "aws:ecr/lifecyclePolicy:LifecyclePolicy": 1,
            "aws:ecr/repositoryPolicy:RepositoryPolicy": 1,
            "docker-build:index:Image": 1,
            "aws:s3/bucket:Bucket": 1,
            "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": 1,
            "aws:s3/bucketOwnershipControls:BucketOwnershipControls": 1,
            "aws:s3/bucketVersioning:BucketVersioning": 1,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": 1,
            "aws:s3/bucketPolicy:BucketPolicy": 1,
            "aws:s3/bucketObjectv2:BucketObjectv2": 1,
            "aws:cloudwatch/logGroup:LogGroup": 1,
            "aws:iam/role:Role": 1,
            "aws:iam/rolePolicy:RolePolicy": 2,
            "aws:lambda/alias:Alias": 1,
            // The smoke test: each new version answers the sample in the model's signature before traffic.
            "aws:lambda/invocation:Invocation": 1,
            "aws:cloudwatch/logMetricFilter:LogMetricFilter": 1,
            "aws:cloudwatch/metricAlarm:MetricAlarm": 6,
            "aws:lambda/function:Function": 1,
            // Moves the repository's live tag once the alias runs the new image.
            "command:local:Command": 1,
        });
        const children = mocks.resources.filter((r) => r.name !== "demo").map((r) => r.name);
        assert.deepStrictEqual(Object.keys(parents).sort(), ["demo", ...children].sort());
        for (const child of children) {
            assert.strictEqual(parents[child], fn, `${child} is parented to the component`);
            assert.ok(child.startsWith("demo-"), `${child} is named after the component`);
        }
    });
});
