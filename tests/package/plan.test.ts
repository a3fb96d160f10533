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

    it("--delivery image: 9 resources, no bucket, the model-in-image checks passing", () => {
        const out = execFileSync(
            process.execPath,
            [
                require.resolve("ts-node/dist/bin"),
                "--transpile-only",
                "scripts/plan.ts",
                "--json",
                "--delivery",
                "image",
            ],
            { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
        );
        const plan = JSON.parse(out);
        assert.strictEqual(plan.resources.length, 9);
        assert.ok(!plan.resources.some((r: any) => r.type.startsWith("aws:s3/")));
        assert.deepStrictEqual(
            plan.checks.filter((c: any) => !c.pass),
            [],
        );
        assert.deepStrictEqual(
            plan.checks.map((c: any) => c.name).filter((n: string) => /model|S3/.test(n)),
            [
                "model built into the image from its own build context",
                "function verifies the model in the image against its sha256",
                "role has no S3 access and no bucket exists",
            ],
        );
    });

    it("the model-in-image checks fail what they should", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, modelDelivery: "image" });
        const tampered = mocks.resources.map((r) => {
            if (r.type === "aws:lambda/function:Function") {
                const variables = { ...r.inputs.environment.variables, MODEL_SHA256: "" };
                return { ...r, inputs: { ...r.inputs, environment: { variables } } };
            }
            if (r.type === "aws:iam/rolePolicy:RolePolicy") {
                const policy = JSON.stringify({
                    Statement: [{ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }],
                });
                return { ...r, inputs: { ...r.inputs, policy } };
            }
            return r;
        });
        assert.deepStrictEqual(
            checks(tampered)
                .filter((c) => !c.pass)
                .map((c) => c.name),
            [
                "function verifies the model in the image against its sha256",
                "role has no S3 access and no bucket exists",
            ],
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
