import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "../components";
import { confirmedSha256 } from "../components/modelStore";
import {
    deploy,
    deployRecordingOptions,
    FIXTURE_MODEL,
    FIXTURE_SHA256,
    KMS_KEY,
    rejected,
    rolePolicyOf,
    runFailedDeploy,
} from "./harness";
import { dependenciesOf, ofType, one } from "./mocks";

const FN = "aws:lambda/function:Function";

describe("hardening", () => {
    describe("a public function URL has a ceiling", () => {
        it('refuses functionUrlAuthType "NONE" without reservedConcurrency', async () => {
            const e = await rejected({
                modelPath: FIXTURE_MODEL,
                enableFunctionUrl: true,
                functionUrlAuthType: "NONE",
            });
            assert.deepStrictEqual(e.errors, [
                {
                    propertyPath: "reservedConcurrency",
                    reason: 'is required with functionUrlAuthType "NONE": a public URL without a ceiling lets anyone spend the account\'s concurrency and money',
                },
            ]);
        });

        it("accepts it with reservedConcurrency, and IAM auth or no URL without", async () => {
            await deploy({
                modelPath: FIXTURE_MODEL,
                enableFunctionUrl: true,
                functionUrlAuthType: "NONE",
                reservedConcurrency: 10,
            });
            assert.strictEqual(one(FN).inputs.reservedConcurrentExecutions, 10);
            await deploy({ modelPath: FIXTURE_MODEL, enableFunctionUrl: true });
            await deploy({ modelPath: FIXTURE_MODEL, functionUrlAuthType: "NONE" });
            assert.strictEqual(ofType("aws:lambda/functionUrl:FunctionUrl").length, 0);
        });
    });

    describe("the repository", () => {
        it("lets Lambda pull, and only for this account's functions in this region, before the function exists", async () => {
            await deploy();
            const policy = one("aws:ecr/repositoryPolicy:RepositoryPolicy");
            assert.strictEqual(policy.name, "demo-repo-policy");
            assert.strictEqual(policy.inputs.repository, "demo-repo-1a2b3c");
            assert.deepStrictEqual(JSON.parse(policy.inputs.policy), {
                Version: "2012-10-17",
                Statement: [
                    {
                        Sid: "LambdaPullsFunctionImages",
                        Effect: "Allow",
                        Principal: { Service: "lambda.amazonaws.com" },
                        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                        Condition: {
                            StringLike: { "aws:sourceArn": "arn:aws:lambda:us-east-1:123456789012:function:*" },
                        },
                    },
                ],
            });
            assert.ok(
                dependenciesOf(FN, "demo-fn").includes("aws:ecr/repositoryPolicy:RepositoryPolicy::demo-repo-policy"),
                "Lambda checks the pull permission when the function is created",
            );
        });

        it("makes every tag immutable except the two that move on each build and the one marking live's image", async () => {
            await deploy();
            const repo = one("aws:ecr/repository:Repository").inputs;
            assert.strictEqual(repo.imageTagMutability, "IMMUTABLE_WITH_EXCLUSION");
            assert.deepStrictEqual(repo.imageTagMutabilityExclusionFilters, [
                { filter: "latest", filterType: "WILDCARD" },
                { filter: "buildcache", filterType: "WILDCARD" },
                { filter: "live", filterType: "WILDCARD" },
            ]);
        });
    });

    describe("a customer-managed KMS key", () => {
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
    });

    it("passes the organisation's permissions boundary and role path to the role", async () => {
        const boundary = "arn:aws:iam::123456789012:policy/DeveloperBoundary";
        await deploy({ modelPath: FIXTURE_MODEL, permissionsBoundary: boundary, rolePath: "/service-roles/lambda/" });
        const role = one("aws:iam/role:Role").inputs;
        assert.strictEqual(role.permissionsBoundary, boundary);
        assert.strictEqual(role.path, "/service-roles/lambda/");
    });

    describe("the environment", () => {
        it("reserves every name the app reads for its model and S3, and what Lambda sets", async () => {
            const names = [
                "MODEL_PATH",
                "MODEL_FORMAT",
                "MODEL_CACHE_DIR",
                "AWS_ENDPOINT_URL",
                "AWS_ENDPOINT_URL_S3",
                "AWS_ENDPOINT_URL_STS",
                "AWS_REGION",
                "AWS_DEFAULT_REGION",
            ];
            const e = await rejected({
                modelPath: FIXTURE_MODEL,
                environment: Object.fromEntries(
                    [...names, "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER"].map((n) => [n, "x"]),
                ),
            });
            const owned =
                "is set by the component (the model's location and identity, where jobs and data capture read and write, and how S3 is reached) and may not be overridden";
            assert.deepStrictEqual(e.errors, [
                ...names.map((n) => ({ propertyPath: `environment.${n}`, reason: owned })),
                {
                    propertyPath: "environment.AWS_LAMBDA_FUNCTION_NAME",
                    reason: "is reserved by Lambda, which sets it itself",
                },
                { propertyPath: "environment._HANDLER", reason: "is reserved by Lambda, which sets it itself" },
            ]);
        });

        it("checks the app's limits as the app will, and does not judge Outputs", async () => {
            const e = await rejected({
                modelPath: FIXTURE_MODEL,
                environment: { MAX_BATCH_ROWS: "0", MAX_BODY_BYTES: "1MB" },
            });
            assert.deepStrictEqual(e.errors, [
                {
                    propertyPath: "environment.MAX_BATCH_ROWS",
                    reason: 'must be an integer from 1 to 1000000 (the app refuses anything else at init); got "0"',
                },
                {
                    propertyPath: "environment.MAX_BODY_BYTES",
                    reason: 'must be an integer from 1 to 6291456 (the app refuses anything else at init); got "1MB"',
                },
            ]);
            await deploy({
                modelPath: FIXTURE_MODEL,
                environment: { MAX_BATCH_ROWS: "250", MAX_BODY_BYTES: pulumi.output("later") },
            });
            assert.strictEqual(one(FN).inputs.environment.variables.MAX_BATCH_ROWS, "250");
        });
    });

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

    describe("the uploaded model is the file that was hashed", () => {
        it("hands the function the sha256 S3 confirmed it received", async () => {
            await deploy();
            assert.strictEqual(one(FN).inputs.environment.variables.MODEL_SHA256, FIXTURE_SHA256);
            assert.strictEqual(one("aws:s3/bucketObjectv2:BucketObjectv2").inputs.checksumAlgorithm, "SHA256");
        });

        it("confirmedSha256: the hex hash when S3's base64 checksum matches, an error naming both when not", () => {
            const b64 = Buffer.from(FIXTURE_SHA256, "hex").toString("base64");
            assert.strictEqual(confirmedSha256("m.onnx", FIXTURE_SHA256, b64), FIXTURE_SHA256);
            assert.throws(
                () => confirmedSha256("m.onnx", FIXTURE_SHA256, Buffer.alloc(32).toString("base64")),
                new Error(
                    `the model uploaded from m.onnx is not the file that was hashed: S3 received sha256 ${"00".repeat(32)}, ` +
                        `the file hashed to ${FIXTURE_SHA256} at the start of this deploy (was it changed during the deploy?); ` +
                        "the function was not updated; run the deploy again",
                ),
            );
            assert.throws(() => confirmedSha256("m.onnx", FIXTURE_SHA256, undefined), /S3 received sha256 \(none\)/);
        });

        it("fails the deploy before the function is created when S3 received other bytes", function () {
            this.timeout(60_000);
            const report = runFailedDeploy("upload");
            assert.match(
                String(report.error),
                /the model uploaded from .*model\.joblib is not the file that was hashed: S3 received sha256 0{64}/,
            );
            assert.strictEqual(report.registered["aws:s3/bucketObjectv2:BucketObjectv2"], 1);
            assert.strictEqual(report.registered["aws:lambda/function:Function"], 0);
        });
    });
});
