import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { checks } from "../../scripts/plan";
import { deploy, FIXTURE_MODEL } from "../harness";
import { mocks } from "../mocks";

const ROOT = path.resolve(__dirname, "..", "..");

describe("offline plan (npm run plan)", () => {
    it("--json: the root program's 17 resources, nothing deployed, every secure default passing", () => {
        const out = execFileSync(
            process.execPath,
            [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", "--json"],
            { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
        );
        const plan = JSON.parse(out);
        assert.strictEqual(plan.deployed, false);
        assert.strictEqual(plan.resources.length, 17);
        assert.deepStrictEqual(
            plan.checks.filter((c: any) => !c.pass),
            [],
        );
        assert.strictEqual(plan.checks.length, 19);
        const fn = plan.resources.find((r: any) => r.type === "aws:lambda/function:Function");
        assert.strictEqual(
            fn.inputs.imageUri,
            "(known after deploy: repositoryUrl)@(known after deploy: image digest)",
        );
    });

    it("the checklist fails what it should", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            enableFunctionUrl: true,
            functionUrlAuthType: "NONE",
            forceDestroy: true,
        });
        const failing = (resources = mocks.resources) =>
            checks(resources)
                .filter((c) => !c.pass)
                .map((c) => c.name);
        assert.deepStrictEqual(failing(), [
            "deletion protection kept (forceDestroy off)",
            "function URL requires IAM auth",
        ]);
        const tampered = mocks.resources.map((r) => {
            if (r.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock") {
                return { ...r, inputs: { ...r.inputs, restrictPublicBuckets: false } };
            }
            if (r.type === "docker-build:index:Image") {
                return { ...r, inputs: { ...r.inputs, platforms: ["linux/amd64", "linux/arm64"] } };
            }
            if (r.type === "aws:lambda/function:Function") {
                return { ...r, inputs: { ...r.inputs, imageUri: "repo:latest" } };
            }
            return r;
        });
        assert.deepStrictEqual(failing(tampered), [
            "image built for exactly the function's platform",
            "function runs the image by digest, not a tag",
            "model bucket blocks all public access",
            "deletion protection kept (forceDestroy off)",
            "function URL requires IAM auth",
        ]);
    });
});
