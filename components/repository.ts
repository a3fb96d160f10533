import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { CACHE_TAG } from "./defaults";

export interface RepositoryOptions {
    keepImages: number;
    forceDestroy: boolean;
    tags?: { [key: string]: pulumi.Input<string> };
}

/**
 * The ECR lifecycle policy. Rule 1 keeps the build cache manifest out of
 * reach of rule 2 (an image matched by a higher-priority rule is never expired
 * by a lower one), so the cache does not count against `keepImages` and is
 * never deleted. Rule 2 keeps the newest `keepImages` images: the function
 * always runs the newest one, so it is never expired while live.
 */
export function lifecyclePolicy(keepImages: number): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: "Keep the registry build cache",
                selection: {
                    tagStatus: "tagged",
                    tagPrefixList: [CACHE_TAG],
                    countType: "imageCountMoreThan",
                    countNumber: 1,
                },
                action: { type: "expire" },
            },
            {
                rulePriority: 2,
                description: `Keep the newest ${keepImages} images`,
                selection: {
                    tagStatus: "any",
                    countType: "imageCountMoreThan",
                    countNumber: keepImages,
                },
                action: { type: "expire" },
            },
        ],
    });
}

export function createRepository(name: string, o: RepositoryOptions, parent: pulumi.Resource): aws.ecr.Repository {
    const repository = new aws.ecr.Repository(
        `${name}-repo`,
        {
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            // The function pins images by digest; the tag only marks the newest build.
            imageTagMutability: "MUTABLE",
            forceDelete: o.forceDestroy,
            tags: o.tags,
        },
        { parent },
    );
    new aws.ecr.LifecyclePolicy(
        `${name}-repo-lifecycle`,
        { repository: repository.name, policy: lifecyclePolicy(o.keepImages) },
        { parent },
    );
    return repository;
}
