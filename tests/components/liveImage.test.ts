import * as assert from "assert";
import { ROLLOUT_SCRIPT } from "../../components/deployment";
import { deploy, FIXTURE_MODEL } from "../harness";
import { dependenciesOf, IMAGE_DIGEST, one } from "../mocks";

describe("the image live runs stays in the repository", () => {
    it("all at once: once the alias moved, the live tag moves to the new image, without a shell", async () => {
        await deploy();
        const tag = one("command:local:Command", "demo-live-image");
        assert.deepStrictEqual(tag.inputs.interpreter, ["node", ROLLOUT_SCRIPT]);
        assert.strictEqual(tag.inputs.create, "tag-live-image");
        assert.deepStrictEqual(tag.inputs.environment, {
            LIVE_IMAGE_REPOSITORY: "demo-repo-1a2b3c",
            LIVE_IMAGE_REGISTRY_ID: "123456789012",
            LIVE_IMAGE_DIGEST: IMAGE_DIGEST,
            LIVE_IMAGE_TAG: "live",
            AWS_REGION: "us-east-1",
        });
        assert.deepStrictEqual(tag.inputs.triggers, [IMAGE_DIGEST], "a new image moves it; a new model in S3 does not");
        assert.ok(
            dependenciesOf("command:local:Command", "demo-live-image").includes("aws:lambda/alias:Alias::demo-alias"),
        );
    });

    it("gradual: only once the rollout succeeded (a rolled-back deploy leaves the tag on the running image)", async () => {
        await deploy({ modelPath: FIXTURE_MODEL, deploymentStrategy: "Linear10PercentEvery1Minute" });
        assert.ok(
            dependenciesOf("command:local:Command", "demo-live-image").includes("command:local:Command::demo-rollout"),
        );
    });
});
