// Entry point of the rollout, run by the component's `command:local:Command`
// (compiled to bin/rollout/main.js) with its request in the environment.
// Exit 0 when the new version is live; 1 with one line on stderr when the
// deployment rolled back, timed out or could not start, which fails `pulumi up`.
import { AwsRolloutClients } from "./awsClients";
import { ROLLOUT_ENV, RolloutRequest, rollOut } from "./rollout";

export function requestFromEnv(env: NodeJS.ProcessEnv): RolloutRequest {
    const read = (name: string): string => {
        const value = env[name];
        if (!value) {
            throw new Error(`${name} is not set`);
        }
        return value;
    };
    return {
        functionName: read(ROLLOUT_ENV.functionName),
        alias: read(ROLLOUT_ENV.alias),
        targetVersion: read(ROLLOUT_ENV.targetVersion),
        application: read(ROLLOUT_ENV.application),
        deploymentGroup: read(ROLLOUT_ENV.deploymentGroup),
        timeoutSeconds: Number(read(ROLLOUT_ENV.timeoutSeconds)),
        pollSeconds: Number(env[ROLLOUT_ENV.pollSeconds] ?? "15"),
    };
}

export async function main(env: NodeJS.ProcessEnv = process.env): Promise<number> {
    try {
        const request = requestFromEnv(env);
        const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
        if (!region) {
            throw new Error("AWS_REGION is not set");
        }
        const clients = new AwsRolloutClients(region, env.ROLLOUT_ENDPOINT_URL);
        const result = await rollOut(request, clients, undefined, (line) => console.log(`[rollout] ${line}`));
        console.log(
            result.outcome === "unchanged"
                ? `[rollout] version ${result.version} is live`
                : `[rollout] version ${result.to} is live (deployment ${result.deploymentId})`,
        );
        return 0;
    } catch (e) {
        console.error(`rollout failed: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
    }
}

if (require.main === module) {
    main().then((code) => process.exit(code));
}
