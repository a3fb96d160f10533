import * as assert from "assert";
import { deploy, FIXTURE_MODEL, rejected } from "../../harness";
import { one } from "../../mocks";

describe("security arguments", () => {
    it("refuses what cannot scope kms:Decrypt, a boundary that is not a policy, and a malformed path", async () => {
        const e = await rejected({
            modelPath: FIXTURE_MODEL,
            kmsKeyArn: "alias/models",
            permissionsBoundary: "Boundary",
            rolePath: "service-roles",
        });
        assert.deepStrictEqual(e.errors, [
            {
                propertyPath: "rolePath",
                reason: 'must start and end with "/" (at most 512 printable characters); got "service-roles"',
            },
            {
                propertyPath: "kmsKeyArn",
                reason: 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; an alias cannot scope the role\'s kms:Decrypt); got "alias/models"',
            },
            {
                propertyPath: "permissionsBoundary",
                reason: 'must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>); got "Boundary"',
            },
        ]);
    });

    it("resolves the role path to / unless given, and forceDestroy to false", async () => {
        await deploy({ modelPath: FIXTURE_MODEL });
        assert.strictEqual(one("aws:iam/role:Role").inputs.path, "/");
        assert.strictEqual(one("aws:s3/bucket:Bucket").inputs.forceDestroy, false);
        await deploy({ modelPath: FIXTURE_MODEL, rolePath: "/ml/", forceDestroy: true });
        assert.strictEqual(one("aws:iam/role:Role").inputs.path, "/ml/");
        assert.strictEqual(one("aws:s3/bucket:Bucket").inputs.forceDestroy, true);
    });

    it("refuses a forceDestroy that is not a boolean (as another language may pass it)", async () => {
        const e = await rejected({ modelPath: FIXTURE_MODEL, forceDestroy: "yes" as unknown as boolean });
        assert.deepStrictEqual(e.errors, [
            { propertyPath: "forceDestroy", reason: 'must be true or false; got "yes"' },
        ]);
    });
});
