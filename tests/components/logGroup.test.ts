import * as assert from "assert";
import { deploy, FIXTURE_MODEL_READ } from "../harness";
import { dependenciesOf, one, valueOf } from "../mocks";

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
});
