// The image, its repository and how the function runs it.
import * as fs from "fs";
import { MOVING_TAGS, PLATFORMS } from "../../components/defaults";
import { isSecret } from "../../mocking/recordingMocks";
import { Check, find, json, pass, Planned } from "../types";

/** The base image the build uses: the BASE_IMAGE build arg, else the Dockerfile's default. */
function baseImageOf(image: any): string {
    if (typeof image.buildArgs?.BASE_IMAGE === "string") {
        return image.buildArgs.BASE_IMAGE;
    }
    const location = image.dockerfile?.location;
    const text = typeof location === "string" && fs.existsSync(location) ? fs.readFileSync(location, "utf8") : "";
    return /^ARG BASE_IMAGE=(\S+)$/m.exec(text)?.[1] ?? "(unknown)";
}

export function imageChecks({ resources, repo, image, fn }: Planned): Check[] {
    const arch = fn.architectures?.[0];
    const pull = json(find(resources, "aws:ecr/repositoryPolicy:RepositoryPolicy")?.inputs.policy)?.Statement ?? [];
    const base = baseImageOf(image);
    return [
        pass(
            "only Lambda may pull, for this account's functions (repository policy)",
            pull.length === 1 &&
                pull[0].Principal?.Service === "lambda.amazonaws.com" &&
                /:function:\*$/.test(pull[0].Condition?.StringLike?.["aws:sourceArn"] ?? ""),
        ),
        pass(
            `image tags are immutable, except ${MOVING_TAGS.join(", ")}`,
            repo.imageTagMutability === "IMMUTABLE_WITH_EXCLUSION" &&
                JSON.stringify((repo.imageTagMutabilityExclusionFilters ?? []).map((f: any) => f.filter)) ===
                    JSON.stringify(MOVING_TAGS),
        ),
        {
            ...pass("base image pinned by digest (npm run pin-base-image)", /@sha256:[0-9a-f]{64}$/.test(base), base),
            advisory: true,
        },
        pass("ECR scans images on push", repo.imageScanningConfiguration?.scanOnPush === true),
        pass("ECR encrypts images", (repo.encryptionConfigurations ?? []).length > 0),
        pass(
            "ECR lifecycle policy keeps the newest images",
            !!find(resources, "aws:ecr/lifecyclePolicy:LifecyclePolicy"),
        ),
        pass(
            "image built for exactly the function's platform",
            Array.isArray(image.platforms) && image.platforms.length === 1 && image.platforms[0] === PLATFORMS[arch],
            `${JSON.stringify(image.platforms)} for ${arch}`,
        ),
        pass("registry password stays secret", isSecret(image.registries)),
        pass(
            "function runs the image by digest, not a tag",
            typeof fn.imageUri === "string" && /@(sha256:|\(known after deploy)/.test(fn.imageUri),
            String(fn.imageUri),
        ),
    ];
}
