import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { CACHE_TAG } from "./defaults";
import { BuildContext, ImageSettings, ModelSettings } from "./resolved";

/**
 * Builds the app image for exactly one platform and pushes it to the
 * repository. One platform and no attestations keep the pushed manifest a
 * single image manifest: Lambda rejects image indexes.
 */
export function createImage(
    name: string,
    image: ImageSettings,
    model: ModelSettings,
    repository: aws.ecr.Repository,
    { parent }: BuildContext,
): dockerBuild.Image {
    // A fresh token on every run: ECR tokens expire after 12 hours.
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: repository.registryId }, { parent });
    const cacheRef = pulumi.interpolate`${repository.repositoryUrl}:${CACHE_TAG}`;
    return new dockerBuild.Image(
        `${name}-image`,
        {
            // With the model in the image, its folder is the build context `model` (the Dockerfile's COPY --from=model).
            context: {
                location: image.appPath,
                named: model.delivery === "image" ? { model: { location: model.contextDir } } : undefined,
            },
            dockerfile: { location: image.dockerfilePath },
            platforms: [image.platform],
            buildArgs: image.buildArgs,
            target: image.target,
            push: true,
            tags: [pulumi.interpolate`${repository.repositoryUrl}:latest`],
            registries: [
                {
                    address: repository.repositoryUrl,
                    username: token.userName,
                    password: pulumi.secret(token.password),
                },
            ],
            cacheFrom: [{ registry: { ref: cacheRef } }],
            // ECR only stores a cache exported as an OCI image manifest.
            cacheTo: [{ registry: { ref: cacheRef, imageManifest: true, ociMediaTypes: true, mode: "max" } }],
        },
        // A replaced build must not delete its pushed image: published versions (the one live during a
        // gradual rollout, the ones to roll back to) still run it. The lifecycle policy expires old images.
        { parent, retainOnDelete: true },
    );
}

/** What Lambda runs: `repositoryUrl@digest`. Lambda rejects `repo:tag@digest` (image.ref), and a tag alone never redeploys. */
export function imageUriOf(repository: aws.ecr.Repository, image: dockerBuild.Image): pulumi.Output<string> {
    return pulumi.interpolate`${repository.repositoryUrl}@${image.digest}`;
}
