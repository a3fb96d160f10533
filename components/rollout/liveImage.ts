// Marks the image the live alias now runs with the protected tag (the repository's lifecycle policy
// never expires it), by putting the same manifest under that tag. Run after a successful rollout, so
// a failed deploy leaves the tag on the image live still runs.
import { LiveImageRequest } from "./env";

/** The two ECR calls it makes; AwsLiveImageClients implements them with the AWS SDK. */
export interface LiveImageClients {
    manifest(repository: string, registryId: string, digest: string): Promise<{ manifest: string; mediaType?: string }>;
    /** Puts the manifest under `tag`; true when the tag already pointed at it. */
    putTag(
        repository: string,
        registryId: string,
        manifest: string,
        mediaType: string | undefined,
        digest: string,
        tag: string,
    ): Promise<boolean>;
}

export async function tagLiveImage(request: LiveImageRequest, clients: LiveImageClients): Promise<string> {
    const { repository, registryId, digest, tag } = request;
    const { manifest, mediaType } = await clients.manifest(repository, registryId, digest);
    const already = await clients.putTag(repository, registryId, manifest, mediaType, digest, tag);
    return already ? `${repository}:${tag} already marks ${digest}` : `${repository}:${tag} now marks ${digest}`;
}
