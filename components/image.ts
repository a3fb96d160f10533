import * as aws from "@pulumi/aws";
import * as dockerBuild from "@pulumi/docker-build";
import * as pulumi from "@pulumi/pulumi";
import { CACHE_TAG } from "./defaults";

export interface ImageOptions {
    repository: aws.ecr.Repository;
    appPath: string;
    dockerfilePath: string;
    platform: "linux/amd64" | "linux/arm64";
    buildArgs?: { [key: string]: pulumi.Input<string> };
    buildTarget?: string;
}

/**
 * Builds the app image for exactly one platform and pushes it to the
 * repository. One platform and no attestations keep the pushed manifest a
 * single image manifest: Lambda rejects image indexes.
 */
export function createImage(name: string, o: ImageOptions, parent: pulumi.Resource): dockerBuild.Image {
    // A fresh token on every run: ECR tokens expire after 12 hours.
    const token = aws.ecr.getAuthorizationTokenOutput({ registryId: o.repository.registryId }, { parent });
    const cacheRef = pulumi.interpolate`${o.repository.repositoryUrl}:${CACHE_TAG}`;
    return new dockerBuild.Image(
        `${name}-image`,
        {
            context: { location: o.appPath },
            dockerfile: { location: o.dockerfilePath },
            platforms: [o.platform],
            buildArgs: o.buildArgs,
            target: o.buildTarget,
            push: true,
            tags: [pulumi.interpolate`${o.repository.repositoryUrl}:latest`],
            registries: [
                {
                    address: o.repository.repositoryUrl,
                    username: token.userName,
                    password: pulumi.secret(token.password),
                },
            ],
            cacheFrom: [{ registry: { ref: cacheRef } }],
            // ECR only stores a cache exported as an OCI image manifest.
            cacheTo: [{ registry: { ref: cacheRef, imageManifest: true, ociMediaTypes: true, mode: "max" } }],
        },
        { parent },
    );
}
