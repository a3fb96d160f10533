import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import { mocks } from "../mocks";

/** Every type the component creates that AWS lets you tag. */
const TAGGABLE = [
    "aws:ecr/repository:Repository",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:iam/role:Role",
    "aws:lambda/function:Function",
    "aws:cloudwatch/metricAlarm:MetricAlarm",
];

/** docker-build's `tags` are image references, not resource tags. */
const awsResources = () => mocks.resources.filter((r) => r.type !== "docker-build:index:Image");

describe("tags", () => {
    it("reach every taggable child, and only those", async () => {
        const tags = { team: "ml-platform", cost: "inference" };
        await deploy({ modelPath: FIXTURE_MODEL, tags });
        const tagged = awsResources()
            .filter((r) => "tags" in r.inputs)
            .map((r) => r.type);
        assert.deepStrictEqual([...new Set(tagged)].sort(), [...TAGGABLE].sort());
        for (const r of mocks.resources.filter((x) => TAGGABLE.includes(x.type))) {
            assert.deepStrictEqual(r.inputs.tags, tags, `${r.name} carries the tags`);
        }
    });

    it("are absent when none are given", async () => {
        await deploy();
        assert.deepStrictEqual(
            awsResources()
                .filter((r) => "tags" in r.inputs)
                .map((r) => r.name),
            [],
        );
    });
});
