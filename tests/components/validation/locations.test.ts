import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ModelSettings } from "../../../components/resolved";
import { modelCoverageProblem, parseS3Prefix, prefixProblem } from "../../../components/validation/locations";

const EXISTING: ModelSettings = {
    delivery: "existing",
    name: "m",
    format: "onnx",
    bucketName: "models",
    key: "prod/model.onnx",
    sha256: "a".repeat(64),
    files: {},
    text: false,
};

describe("S3 locations in the arguments", () => {
    it("parseS3Prefix: a bucket by S3's rules and a prefix that is empty or ends with /", () => {
        assert.deepStrictEqual(parseS3Prefix("s3://data-1/in/"), { bucket: "data-1", prefix: "in/" });
        assert.deepStrictEqual(parseS3Prefix("s3://data-1/"), { bucket: "data-1", prefix: "" });
        for (const bad of ["s3://data-1/in", "s3://Data/in/", "s3://data-1/in*/", "https://x/y/", "s3://ab/"]) {
            assert.strictEqual(parseS3Prefix(bad), undefined, bad);
        }
    });

    it("prefixProblem: names the field and what a prefix must be", () => {
        assert.deepStrictEqual(prefixProblem("p", "a/b/"), []);
        assert.deepStrictEqual(prefixProblem("p", ""), []);
        assert.deepStrictEqual(prefixProblem("p", "/a/"), [
            { propertyPath: "p", reason: 'must be a key prefix ending with "/" (or empty), without * or ?; got "/a/"' },
        ]);
    });

    it("modelCoverageProblem: a prefix of the model's own bucket that covers its key", () => {
        const covers = (bucket: unknown, prefix: string, model: ModelSettings = EXISTING) =>
            modelCoverageProblem("x.prefix", bucket, prefix, model).map((p) => p.reason);
        assert.deepStrictEqual(covers("models", "prod/"), [
            'would let the function write over its own model: "prod/" in the model\'s bucket models covers "prod/model.onnx"; choose a prefix the model is not under (or another bucket)',
        ]);
        assert.deepStrictEqual(
            covers("models", ""),
            covers("models", "prod/").map((r) => r.replace('"prod/"', '""')),
        );
        assert.deepStrictEqual(covers("models", "capture/"), []);
        assert.deepStrictEqual(covers("results", "prod/"), []);
        // A key known only at deploy time may be anywhere in the bucket.
        assert.match(
            covers("models", "capture/", { ...EXISTING, key: pulumi.output("k") })[0],
            /covers the model's key/,
        );
        // An unknown bucket cannot be compared; the component's own model bucket is never named by the user.
        assert.deepStrictEqual(covers(pulumi.output("models"), "prod/"), []);
        const uploaded: ModelSettings = {
            delivery: "upload",
            name: "m",
            format: "onnx",
            path: "/m",
            sha256: "",
            key: "m",
            files: {},
            text: false,
        };
        assert.deepStrictEqual(covers("models", "", uploaded), []);
    });
});
