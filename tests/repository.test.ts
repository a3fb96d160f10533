import * as assert from "assert";
import { deploy, FIXTURE_MODEL } from "./harness";
import { one } from "./mocks";

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
