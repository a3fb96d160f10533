// The constructor's steps: each registers its resources in order, and what a later step needs comes from
// an earlier one, never the other way (the resources' own dependencies are the engine's, tested per builder).
import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import { dependenciesOf, valueOf } from "../mocks";

describe("steps: foundation, function, release, watch", () => {
    it("each step waits for what the one before made: the function for its foundation, the release for it", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, asyncInference: {}, enableFunctionUrl: true });
        const fn = dependenciesOf("aws:lambda/function:Function", "demo-fn");
        for (const foundation of [
            "aws:ecr/repositoryPolicy:RepositoryPolicy::demo-repo-policy",
            "aws:cloudwatch/logGroup:LogGroup::demo-logs",
            "aws:s3/bucketObjectv2:BucketObjectv2::demo-model",
            "aws:iam/rolePolicy:RolePolicy::demo-role-logs",
        ]) {
            assert.ok(fn.includes(foundation), `the function waits for ${foundation}: ${fn.join(", ")}`);
        }
        const smoke = dependenciesOf("aws:lambda/invocation:Invocation", "demo-smoke-test");
        assert.ok(smoke.includes("aws:lambda/function:Function::demo-fn"));
        const alias = dependenciesOf("aws:lambda/alias:Alias", "demo-alias");
        assert.ok(alias.includes("aws:lambda/invocation:Invocation::demo-smoke-test"), alias.join(", "));
        for (const released of [
            "aws:lambda/eventSourceMapping:EventSourceMapping::demo-queue-mapping",
            "aws:lambda/functionUrl:FunctionUrl::demo-url",
        ]) {
            const [type, name] = released.split("::");
            assert.ok(dependenciesOf(type, name).includes("aws:lambda/alias:Alias::demo-alias"), released);
        }
    });

    it("outputs: a model in the image has no bucket, key or version; optional outputs are absent", async () => {
        const component = await deploy({ modelPath: FIXTURE_MODEL, modelDelivery: "image" });
        assert.deepStrictEqual(
            [
                await valueOf(component.modelBucketName),
                await valueOf(component.modelKey),
                await valueOf(component.modelVersionId),
            ],
            ["", "", ""],
        );
        for (const output of [
            "functionUrl",
            "dashboardUrl",
            "queueUrl",
            "stateMachineArn",
            "dataCaptureUri",
        ] as const) {
            assert.strictEqual(component[output], undefined, output);
        }
    });
});
