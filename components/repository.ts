import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { lifecyclePolicy } from "./policies";
import { ResolvedArgs } from "./validate";

/** The function's own ECR repository: scanned, encrypted, with a lifecycle policy. */
export function createRepository(name: string, r: ResolvedArgs, parent: pulumi.Resource): aws.ecr.Repository {
    const repository = new aws.ecr.Repository(
        `${name}-repo`,
        {
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [{ encryptionType: "AES256" }],
            // The function pins images by digest; the tag only marks the newest build.
            imageTagMutability: "MUTABLE",
            forceDelete: r.forceDestroy,
            tags: r.tags,
        },
        { parent },
    );
    new aws.ecr.LifecyclePolicy(
        `${name}-repo-lifecycle`,
        { repository: repository.name, policy: lifecyclePolicy(r.keepImages) },
        { parent },
    );
    return repository;
}
