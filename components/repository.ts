import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { MOVING_TAGS } from "./defaults";
import { lambdaPullPolicy, lifecyclePolicy } from "./policies";
import { BuildContext, ImageSettings, SecuritySettings } from "./resolved";

export interface FunctionRepository {
    repository: aws.ecr.Repository;
    /** Lambda's pull permission; the function waits for it (Lambda checks it when the function is created). */
    pullPolicy: aws.ecr.RepositoryPolicy;
}

/** The function's own ECR repository: scanned, encrypted, immutable tags, a lifecycle policy and Lambda's pull policy. */
export function createRepository(
    name: string,
    image: Pick<ImageSettings, "keepImages">,
    security: Pick<SecuritySettings, "kmsKeyArn" | "forceDestroy">,
    account: Account,
    { parent, tags }: BuildContext,
): FunctionRepository {
    const repository = new aws.ecr.Repository(
        `${name}-repo`,
        {
            imageScanningConfiguration: { scanOnPush: true },
            encryptionConfigurations: [
                security.kmsKeyArn
                    ? { encryptionType: "KMS", kmsKey: security.kmsKeyArn }
                    : { encryptionType: "AES256" },
            ],
            // The function pins images by digest; only the tags that mark the newest build and the cache move.
            imageTagMutability: "IMMUTABLE_WITH_EXCLUSION",
            imageTagMutabilityExclusionFilters: MOVING_TAGS.map((filter) => ({ filter, filterType: "WILDCARD" })),
            forceDelete: security.forceDestroy,
            tags,
        },
        { parent },
    );
    new aws.ecr.LifecyclePolicy(
        `${name}-repo-lifecycle`,
        { repository: repository.name, policy: lifecyclePolicy(image.keepImages) },
        { parent },
    );
    const pullPolicy = new aws.ecr.RepositoryPolicy(
        `${name}-repo-policy`,
        {
            repository: repository.name,
            policy: pulumi
                .all([account.partition, account.region, account.accountId])
                .apply(([p, rg, account]) => lambdaPullPolicy(p, rg, account)),
        },
        { parent },
    );
    return { repository, pullPolicy };
}
