import * as assert from "assert";
import { execFileSync } from "child_process";
import * as path from "path";
import { checks } from "../../scripts/plan";
import { deploy, FIXTURE_MODEL } from "../harness";
import { mocks } from "../mocks";

const ROOT = path.resolve(__dirname, "..", "..");
const KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function planJson(...args: string[]): any {
    const out = execFileSync(
        process.execPath,
        [require.resolve("ts-node/dist/bin"), "--transpile-only", "scripts/plan.ts", "--json", ...args],
        { cwd: ROOT, encoding: "utf8", timeout: 120_000 },
    );
    return JSON.parse(out);
}

/** The names of the checks that do not pass, advisory ones marked. */
const failing = (resources = mocks.resources) =>
    checks(resources)
        .filter((c) => !c.pass)
        .map((c) => (c.advisory ? `(advisory) ${c.name}` : c.name));

/** The recorded resources with one type's inputs changed. */
function tamper(type: string, change: (inputs: any) => any) {
    return mocks.resources.map((r) => (r.type === type ? { ...r, inputs: change(r.inputs) } : r));
}

describe("offline plan (npm run plan)", () => {
    it("--json: the root program's 25 resources, nothing deployed, every secure default passing", () => {
        const plan = planJson();
        assert.strictEqual(plan.deployed, false);
        assert.strictEqual(plan.resources.length, 25);
        assert.deepStrictEqual(
            plan.checks.filter((c: any) => !c.pass).map((c: any) => [c.name, c.advisory]),
            // The one hardening left to the user: the Dockerfile's base cannot be pinned where its registry is unreachable.
            [["base image pinned by digest (npm run pin-base-image)", true]],
        );
        assert.strictEqual(plan.checks.length, 23);
        const fn = plan.resources.find((r: any) => r.type === "aws:lambda/function:Function");
        assert.strictEqual(
            fn.inputs.imageUri,
            "(known after deploy: repositoryUrl)@(known after deploy: image digest)",
        );
    });

    it("--delivery image: 17 resources, no bucket, the model-in-image checks passing", () => {
        const plan = planJson("--delivery", "image");
        assert.strictEqual(plan.resources.length, 17);
        assert.ok(!plan.resources.some((r: any) => r.type.startsWith("aws:s3/")));
        assert.deepStrictEqual(
            plan.checks.filter((c: any) => !c.pass && !c.advisory),
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
        let tampered = tamper("aws:lambda/function:Function", (inputs) => ({
            ...inputs,
            environment: { variables: { ...inputs.environment.variables, MODEL_SHA256: "" } },
        }));
        mocks.resources = tampered;
        tampered = tamper("aws:iam/rolePolicy:RolePolicy", (inputs) => ({
            ...inputs,
            policy: JSON.stringify({ Statement: [{ Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }] }),
        }));
        assert.deepStrictEqual(failing(tampered), [
            "(advisory) base image pinned by digest (npm run pin-base-image)",
            "function verifies the model in the image against its sha256",
            "role has no S3 access and no bucket exists",
        ]);
    });

    it("the checklist fails what it should", async () => {
        await deploy({
            modelPath: FIXTURE_MODEL,
            enableFunctionUrl: true,
            functionUrlAuthType: "NONE",
            reservedConcurrency: 50,
            forceDestroy: true,
            buildArgs: { BASE_IMAGE: `public.ecr.aws/lambda/python:3.12@sha256:${"ab".repeat(32)}` },
        });
        assert.deepStrictEqual(failing(), [
            "deletion protection kept (forceDestroy off)",
            "function URL requires IAM auth",
        ]);
        let tampered = tamper("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", (i) => ({
            ...i,
            restrictPublicBuckets: false,
        }));
        mocks.resources = tampered;
        tampered = tamper("docker-build:index:Image", (i) => ({ ...i, platforms: ["linux/amd64", "linux/arm64"] }));
        mocks.resources = tampered;
        tampered = tamper("aws:lambda/function:Function", (i) => ({
            ...i,
            imageUri: "repo:latest",
            reservedConcurrentExecutions: undefined,
        }));
        mocks.resources = tampered;
        tampered = tamper("aws:ecr/repository:Repository", (i) => ({ ...i, imageTagMutability: "MUTABLE" }));
        mocks.resources = tampered;
        tampered = tamper("aws:ecr/repositoryPolicy:RepositoryPolicy", (i) => ({
            ...i,
            policy: JSON.stringify({ Statement: [{ Principal: { Service: "lambda.amazonaws.com" } }] }),
        }));
        assert.deepStrictEqual(failing(tampered), [
            "only Lambda may pull, for this account's functions (repository policy)",
            "image tags are immutable, except latest and buildcache",
            "image built for exactly the function's platform",
            "function runs the image by digest, not a tag",
            "model bucket blocks all public access",
            "deletion protection kept (forceDestroy off)",
            "function URL requires IAM auth",
            "a public function URL has a concurrency ceiling",
        ]);
    });

    it("with a KMS key: passes when everything uses it, fails when one place does not", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, kmsKeyArn: KEY });
        const names = checks(mocks.resources).map((c) => c.name);
        assert.ok(
            names.includes("the customer-managed KMS key encrypts the repository, logs, environment and model bucket"),
        );
        assert.deepStrictEqual(failing(), ["(advisory) base image pinned by digest (npm run pin-base-image)"]);
        const tampered = tamper("aws:cloudwatch/logGroup:LogGroup", (i) => ({ ...i, kmsKeyId: undefined }));
        assert.deepStrictEqual(failing(tampered).slice(1), [
            "the customer-managed KMS key encrypts the repository, logs, environment and model bucket",
        ]);
        await deploy();
        assert.ok(!checks(mocks.resources).some((c) => c.name.includes("KMS")), "no KMS checks without a key");
    });
});
