import {
    CodeDeployClient,
    CreateDeploymentCommand,
    GetDeploymentCommand,
    ListDeploymentsCommand,
} from "@aws-sdk/client-codedeploy";
import { BatchGetImageCommand, ECRClient, ImageAlreadyExistsException, PutImageCommand } from "@aws-sdk/client-ecr";
import { GetAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { LiveImageClients } from "./liveImage";
import { ACTIVE_STATUSES, ActiveDeployment, AliasState, DeploymentState, RolloutClients, versionsIn } from "./rollout";

/** The rollout's calls with the AWS SDK, in one region, with the credentials of the deployer's environment. */
export class AwsRolloutClients implements RolloutClients {
    private readonly lambda: LambdaClient;
    private readonly codedeploy: CodeDeployClient;

    constructor(region: string, endpoint?: string) {
        this.lambda = new LambdaClient({ region, endpoint });
        this.codedeploy = new CodeDeployClient({ region, endpoint });
    }

    async alias(functionArn: string, alias: string): Promise<AliasState> {
        const response = await this.lambda.send(new GetAliasCommand({ FunctionName: functionArn, Name: alias }));
        if (!response.FunctionVersion) {
            throw new Error(`alias ${alias} of ${functionArn} has no version`);
        }
        return { version: response.FunctionVersion, weights: response.RoutingConfig?.AdditionalVersionWeights ?? {} };
    }

    async activeDeployments(application: string, deploymentGroup: string): Promise<ActiveDeployment[]> {
        const { deployments } = await this.codedeploy.send(
            new ListDeploymentsCommand({
                applicationName: application,
                deploymentGroupName: deploymentGroup,
                includeOnlyStatuses: ACTIVE_STATUSES as never[],
            }),
        );
        const found: ActiveDeployment[] = [];
        for (const id of deployments ?? []) {
            const { deploymentInfo } = await this.codedeploy.send(new GetDeploymentCommand({ deploymentId: id }));
            const status = deploymentInfo?.status ?? "Unknown";
            // The list may be a moment behind: only what is still active counts.
            if (ACTIVE_STATUSES.includes(status)) {
                found.push({ id, status, ...versionsIn(deploymentInfo?.revision?.appSpecContent?.content) });
            }
        }
        return found;
    }

    async createDeployment(
        application: string,
        deploymentGroup: string,
        appSpec: string,
        description: string,
    ): Promise<string> {
        const response = await this.codedeploy.send(
            new CreateDeploymentCommand({
                applicationName: application,
                deploymentGroupName: deploymentGroup,
                description,
                revision: { revisionType: "AppSpecContent", appSpecContent: { content: appSpec } },
            }),
        );
        if (!response.deploymentId) {
            throw new Error("CodeDeploy returned no deployment id");
        }
        return response.deploymentId;
    }

    async deploymentState(deploymentId: string): Promise<DeploymentState> {
        const { deploymentInfo } = await this.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
        return {
            status: deploymentInfo?.status ?? "Unknown",
            message: deploymentInfo?.errorInformation?.message ?? deploymentInfo?.rollbackInfo?.rollbackMessage,
        };
    }
}

/** The live-image tagging's two ECR calls with the AWS SDK. */
export class AwsLiveImageClients implements LiveImageClients {
    private readonly ecr: ECRClient;

    constructor(region: string, endpoint?: string) {
        this.ecr = new ECRClient({ region, endpoint });
    }

    async manifest(repository: string, registryId: string, digest: string) {
        const { images, failures } = await this.ecr.send(
            new BatchGetImageCommand({ repositoryName: repository, registryId, imageIds: [{ imageDigest: digest }] }),
        );
        const image = images?.[0];
        if (!image?.imageManifest) {
            const why = failures?.[0]?.failureReason ?? "not found";
            throw new Error(`image ${digest} of ${repository}: ${why}`);
        }
        return { manifest: image.imageManifest, mediaType: image.imageManifestMediaType };
    }

    async putTag(
        repository: string,
        registryId: string,
        manifest: string,
        mediaType: string | undefined,
        digest: string,
        tag: string,
    ): Promise<boolean> {
        try {
            await this.ecr.send(
                new PutImageCommand({
                    repositoryName: repository,
                    registryId,
                    imageManifest: manifest,
                    imageManifestMediaType: mediaType,
                    imageDigest: digest,
                    imageTag: tag,
                }),
            );
            return false;
        } catch (e) {
            if (e instanceof ImageAlreadyExistsException) {
                return true;
            }
            throw e;
        }
    }
}
