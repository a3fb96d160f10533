import { CodeDeployClient, CreateDeploymentCommand, GetDeploymentCommand } from "@aws-sdk/client-codedeploy";
import { GetAliasCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DeploymentState, RolloutClients } from "./rollout";

/** The rollout's three calls with the AWS SDK, in one region, with the credentials of the deployer's environment. */
export class AwsRolloutClients implements RolloutClients {
    private readonly lambda: LambdaClient;
    private readonly codedeploy: CodeDeployClient;

    constructor(region: string, endpoint?: string) {
        // An endpoint (moto in tests) stands in for both services.
        this.lambda = new LambdaClient({ region, endpoint });
        this.codedeploy = new CodeDeployClient({ region, endpoint });
    }

    async liveVersion(functionName: string, alias: string): Promise<string> {
        const response = await this.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: alias }));
        if (!response.FunctionVersion) {
            throw new Error(`alias ${alias} of ${functionName} has no version`);
        }
        return response.FunctionVersion;
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
