import * as aws from "@pulumi/aws";
import * as command from "@pulumi/command";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { Account } from "./account";
import { LIVE_IMAGE_TAG } from "./defaults";
import { scriptCommand } from "./deployment";
import { BuildContext } from "./resolved";
import { LIVE_IMAGE_ENV } from "./rollout/env";

/**
 * Moves the repository's `live` tag to the image the `live` alias runs, once it runs it: after the
 * alias moved (all at once) or the rollout succeeded (gradual). The lifecycle policy never expires
 * the image that tag marks, so failed deploys cannot push the running image out of `keepImages`.
 */
export function createLiveImageTag(
    name: string,
    deps: {
        repository: aws.ecr.Repository;
        image: dockerBuild.Image;
        account: Account;
        /** What must have happened first: the alias moved, or the rollout finished. */
        after: pulumi.Resource[];
    },
    { parent }: BuildContext,
): command.local.Command {
    return new command.local.Command(
        `${name}-live-image`,
        {
            ...scriptCommand("tag-live-image"),
            environment: {
                [LIVE_IMAGE_ENV.repository]: deps.repository.name,
                [LIVE_IMAGE_ENV.registryId]: deps.repository.registryId,
                [LIVE_IMAGE_ENV.digest]: deps.image.digest,
                [LIVE_IMAGE_ENV.tag]: LIVE_IMAGE_TAG,
                AWS_REGION: deps.account.region,
            },
            // A new image moves the tag; a new model in S3 alone leaves it where it is.
            triggers: [deps.image.digest],
        },
        { parent, dependsOn: deps.after },
    );
}
