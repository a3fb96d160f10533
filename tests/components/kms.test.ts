import * as assert from "assert";
import { deploy, FIXTURE_MODEL, KMS_KEY, rolePolicyOf } from "../harness";
import { ofType, one } from "../mocks";

const FN = "aws:lambda/function:Function";

describe("a customer-managed KMS key", () => {
    describe("reaches every part that stores data", () => {
        it("encrypts the bucket, the repository, the logs and the environment, and the role may decrypt with it only", async () => {
            await deploy({ modelPath: FIXTURE_MODEL, kmsKeyArn: KMS_KEY });
            assert.deepStrictEqual(
                one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").inputs
                    .rules,
                [
                    {
                        applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY },
                        bucketKeyEnabled: true,
                    },
                ],
            );
            assert.deepStrictEqual(one("aws:ecr/repository:Repository").inputs.encryptionConfigurations, [
                { encryptionType: "KMS", kmsKey: KMS_KEY },
            ]);
            assert.strictEqual(one("aws:cloudwatch/logGroup:LogGroup").inputs.kmsKeyId, KMS_KEY);
            assert.strictEqual(one(FN).inputs.kmsKeyArn, KMS_KEY);
            assert.deepStrictEqual(rolePolicyOf("demo-role-kms-decrypt").Statement, [
                {
                    Sid: "DecryptModelObjectThroughS3",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: KMS_KEY,
                    Condition: {
                        StringEquals: {
                            "kms:ViaService": "s3.us-east-1.amazonaws.com",
                            "kms:EncryptionContext:aws:s3:arn": [
                                "arn:aws:s3:::demo-models-1a2b3c",
                                "arn:aws:s3:::demo-models-1a2b3c/models/model.joblib",
                            ],
                        },
                    },
                },
                {
                    Sid: "DecryptEnvironmentThroughLambda",
                    Effect: "Allow",
                    Action: ["kms:Decrypt"],
                    Resource: KMS_KEY,
                    Condition: { StringEquals: { "kms:ViaService": "lambda.us-east-1.amazonaws.com" } },
                },
            ]);
        });

        it("lets the role decrypt an adopted bucket's SSE-KMS object too, and only that object", async () => {
            await deploy({
                modelBucketName: "team",
                modelKey: "m.onnx",
                modelSha256: "a".repeat(64),
                kmsKeyArn: KMS_KEY,
            });
            const [s3] = rolePolicyOf("demo-role-kms-decrypt").Statement;
            assert.strictEqual(s3.Resource, KMS_KEY);
            assert.deepStrictEqual(s3.Condition.StringEquals["kms:EncryptionContext:aws:s3:arn"], [
                "arn:aws:s3:::team",
                "arn:aws:s3:::team/m.onnx",
            ]);
        });

        it("with the model in the image, decrypts through Lambda only (its environment), never through S3", async () => {
            await deploy({ modelPath: FIXTURE_MODEL, modelDelivery: "image", kmsKeyArn: KMS_KEY });
            assert.deepStrictEqual(
                rolePolicyOf("demo-role-kms-decrypt").Statement.map((s: any) => [
                    s.Sid,
                    s.Condition.StringEquals["kms:ViaService"],
                ]),
                [["DecryptEnvironmentThroughLambda", "lambda.us-east-1.amazonaws.com"]],
            );
        });

        it("is absent by default: AWS-managed encryption, no kms action anywhere", async () => {
            await deploy();
            assert.strictEqual("kmsKeyArn" in one(FN).inputs, false);
            assert.strictEqual("kmsKeyId" in one("aws:cloudwatch/logGroup:LogGroup").inputs, false);
            for (const p of ofType("aws:iam/rolePolicy:RolePolicy")) {
                assert.ok(!p.inputs.policy.includes("kms:"), `${p.name} has no kms action`);
            }
        });
    });
});
