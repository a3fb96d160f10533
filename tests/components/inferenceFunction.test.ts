import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import * as pulumi from "@pulumi/pulumi";
import { mocks, ofType } from "../mocks";

describe("function and log group", () => {
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
});
