import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "../harness";
import { dependenciesOf, one } from "../mocks";

const FN = "aws:lambda/function:Function";

describe("hardening", () => {
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
});

describe("ECR repository", () => {
    it("scans on push, encrypts, and keeps deletion protection by default", async () => {
        await deploy();
        const repo = one("aws:ecr/repository:Repository");
        assert.strictEqual(repo.name, "demo-repo");
        assert.deepStrictEqual(repo.inputs.imageScanningConfiguration, { scanOnPush: true });
        assert.deepStrictEqual(repo.inputs.encryptionConfigurations, [{ encryptionType: "AES256" }]);
        assert.strictEqual(repo.inputs.forceDelete, false);
    });

    it("has a lifecycle policy that keeps the build cache and the newest 10 images", async () => {
        await deploy();
        const lifecycle = one("aws:ecr/lifecyclePolicy:LifecyclePolicy");
        assert.strictEqual(lifecycle.name, "demo-repo-lifecycle");
        assert.strictEqual(lifecycle.inputs.repository, "demo-repo-1a2b3c");
        assert.deepStrictEqual(JSON.parse(lifecycle.inputs.policy), {
            rules: [
                {
                    rulePriority: 1,
                    description: "Keep the registry build cache",
                    selection: {
                        tagStatus: "tagged",
                        tagPrefixList: ["buildcache"],
                        countType: "imageCountMoreThan",
                        countNumber: 1,
                    },
                    action: { type: "expire" },
                },
                {
                    rulePriority: 2,
                    description: "Keep the image the live alias runs",
                    selection: {
                        tagStatus: "tagged",
                        tagPrefixList: ["live"],
                        countType: "imageCountMoreThan",
                        countNumber: 1,
                    },
                    action: { type: "expire" },
                },
                {
                    rulePriority: 3,
                    description: "Keep the newest 10 images",
                    selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 10 },
                    action: { type: "expire" },
                },
            ],
        });
    });

    it("honours keepImages and forceDestroy", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, keepImages: 3, forceDestroy: true });
        const policy = JSON.parse(one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy);
        assert.strictEqual(policy.rules[2].selection.countNumber, 3);
        assert.strictEqual(one("aws:ecr/repository:Repository").inputs.forceDelete, true);
    });
});
