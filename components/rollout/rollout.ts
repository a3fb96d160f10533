// The gradual rollout of a new version behind the `live` alias: a CodeDeploy
// deployment from the version the alias serves now to the one just published,
// then wait for its outcome. CodeDeploy shifts the traffic and rolls back on
// its alarms; this only starts it and reports the result, so that `pulumi up`
// fails, naming the deployment and the alarm, when it rolled back.
//
// Pure logic over three calls, so it is tested with fakes and against moto;
// main.ts wires it to the AWS SDK and runs it from the component's command.

/** The variables the component's command sets for main.ts. */
export const ROLLOUT_ENV = {
    functionName: "ROLLOUT_FUNCTION",
    alias: "ROLLOUT_ALIAS",
    targetVersion: "ROLLOUT_TARGET_VERSION",
    application: "ROLLOUT_APPLICATION",
    deploymentGroup: "ROLLOUT_DEPLOYMENT_GROUP",
    timeoutSeconds: "ROLLOUT_TIMEOUT_SECONDS",
    pollSeconds: "ROLLOUT_POLL_SECONDS",
} as const;

export interface RolloutRequest {
    functionName: string;
    alias: string;
    targetVersion: string;
    application: string;
    deploymentGroup: string;
    /** Give up (and fail) after this long; CodeDeploy goes on and rolls back on its own alarms. */
    timeoutSeconds: number;
    pollSeconds: number;
}

export interface DeploymentState {
    status: string;
    /** CodeDeploy's errorInformation.message, or its rollback message. */
    message?: string;
}

/** The three calls a rollout makes; AwsRolloutClients implements them with the AWS SDK. */
export interface RolloutClients {
    liveVersion(functionName: string, alias: string): Promise<string>;
    createDeployment(
        application: string,
        deploymentGroup: string,
        appSpec: string,
        description: string,
    ): Promise<string>;
    deploymentState(deploymentId: string): Promise<DeploymentState>;
}

export type RolloutResult =
    | { outcome: "unchanged"; version: string }
    | { outcome: "succeeded"; deploymentId: string; from: string; to: string };

export class RolloutError extends Error {
    override name = "RolloutError";
}

const FINAL = ["Succeeded", "Failed", "Stopped"];

/** The AppSpec of a Lambda deployment: move `alias` from `current` to `target`. */
export function appSpec(functionName: string, alias: string, current: string, target: string): string {
    return JSON.stringify({
        version: 0.0,
        Resources: [
            {
                [functionName]: {
                    Type: "AWS::Lambda::Function",
                    Properties: { Name: functionName, Alias: alias, CurrentVersion: current, TargetVersion: target },
                },
            },
        ],
    });
}

/** The alarms CodeDeploy names when it stops a deployment on them ("... alarms were activated: a, b"). */
export function alarmsIn(message: string | undefined): string[] {
    const match = /alarms? (?:were|was) activated:?\s*(.+?)\.?$/i.exec(message ?? "");
    return match ? match[1].split(/,\s*/).map((a) => a.trim()) : [];
}

export async function rollOut(
    request: RolloutRequest,
    clients: RolloutClients,
    sleep: (seconds: number) => Promise<void> = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000)),
    log: (line: string) => void = () => undefined,
): Promise<RolloutResult> {
    const { functionName, alias, targetVersion } = request;
    const current = await clients.liveVersion(functionName, alias);
    // Idempotent: a re-run (a new machine, a replaced command) of a finished rollout starts nothing.
    if (current === targetVersion) {
        log(`${alias} already serves version ${targetVersion}; nothing to deploy`);
        return { outcome: "unchanged", version: current };
    }
    const id = await clients.createDeployment(
        request.application,
        request.deploymentGroup,
        appSpec(functionName, alias, current, targetVersion),
        `lambda-inference: ${functionName} ${alias} ${current} -> ${targetVersion}`,
    );
    log(`CodeDeploy deployment ${id}: ${alias} ${current} -> ${targetVersion}`);
    let waited = 0;
    let last = "";
    for (;;) {
        const state = await clients.deploymentState(id);
        if (state.status !== last) {
            log(`deployment ${id}: ${state.status}`);
            last = state.status;
        }
        if (state.status === "Succeeded") {
            return { outcome: "succeeded", deploymentId: id, from: current, to: targetVersion };
        }
        if (FINAL.includes(state.status)) {
            const alarms = alarmsIn(state.message);
            const cause = alarms.length ? `alarm ${alarms.join(", ")} went off` : (state.message ?? "no reason given");
            throw new RolloutError(
                `CodeDeploy deployment ${id} ${state.status.toLowerCase()} and rolled ${alias} back to version ${current}: ` +
                    `${cause}${alarms.length && state.message ? ` (${state.message})` : ""}`,
            );
        }
        if (waited >= request.timeoutSeconds) {
            throw new RolloutError(
                `CodeDeploy deployment ${id} is still ${state.status} after ${request.timeoutSeconds} s; ` +
                    "it goes on (and rolls back on its alarms) without this deploy: see the CodeDeploy console",
            );
        }
        await sleep(request.pollSeconds);
        waited += request.pollSeconds;
    }
}
