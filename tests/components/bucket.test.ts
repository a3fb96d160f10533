import * as assert from "assert";
import { InferenceFunctionArgs } from "../../components";
import { deploy, deployRecordingOptions, FIXTURE_MODEL } from "../harness";
import { one } from "../mocks";

const BUCKET = "demo-models-1a2b3c";

describe("hardening", () => {
    describe("destroy keeps the bucket hardened", () => {
        const SETTINGS = [
            "demo-models-public-access",
            "demo-models-ownership",
            "demo-models-versioning",
            "demo-models-encryption",
            "demo-models-policy",
        ];

        async function retained(args: InferenceFunctionArgs): Promise<{ [name: string]: boolean | undefined }> {
            const { options } = await deployRecordingOptions(args);
            return Object.fromEntries(Object.entries(options).map(([name, o]) => [name, o.retainOnDelete]));
        }

        it("retains the bucket's settings on delete while forceDestroy is off, so they go only with the bucket", async () => {
            const options = await retained({ modelPath: FIXTURE_MODEL });
            assert.deepStrictEqual(
                SETTINGS.map((n) => options[n]),
                SETTINGS.map(() => true),
            );
            assert.strictEqual(options["demo-models"], undefined, "the bucket itself is deleted normally");
        });

        it("deletes them normally with forceDestroy (the bucket goes with its objects)", async () => {
            const options = await retained({ modelPath: FIXTURE_MODEL, forceDestroy: true });
            assert.deepStrictEqual(
                SETTINGS.map((n) => options[n]),
                SETTINGS.map(() => false),
            );
        });
    });
});

describe("model store", () => {
    it("creates a private bucket: all four public-access blocks, owner-enforced, versioned, encrypted", async () => {
        await deploy();
        const bucket = one("aws:s3/bucket:Bucket");
        assert.strictEqual(bucket.name, "demo-models");
        assert.strictEqual(bucket.inputs.forceDestroy, false);
        assert.deepStrictEqual(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs, {
            bucket: BUCKET,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
        });
        assert.deepStrictEqual(one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").inputs, {
            bucket: BUCKET,
            rule: { objectOwnership: "BucketOwnerEnforced" },
        });
        assert.deepStrictEqual(one("aws:s3/bucketVersioning:BucketVersioning").inputs, {
            bucket: BUCKET,
            versioningConfiguration: { status: "Enabled" },
        });
        assert.deepStrictEqual(
            one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs,
            {
                bucket: BUCKET,
                rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
            },
        );
    });

    it("denies every non-TLS request to the bucket and its objects", async () => {
        await deploy();
        const policy = one("aws:s3/bucketPolicy:BucketPolicy");
        assert.strictEqual(policy.name, "demo-models-policy");
        assert.deepStrictEqual(JSON.parse(policy.inputs.policy), {
            Version: "2012-10-17",
            Statement: [
                {
                    Sid: "DenyInsecureTransport",
                    Effect: "Deny",
                    Principal: "*",
                    Action: "s3:*",
                    Resource: [`arn:aws:s3:::${BUCKET}`, `arn:aws:s3:::${BUCKET}/*`],
                    Condition: { Bool: { "aws:SecureTransport": "false" } },
                },
            ],
        });
    });
});
