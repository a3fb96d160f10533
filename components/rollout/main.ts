// Entry point of the component's commands (compiled to bin/components/rollout/main.js), run as
// `node main.js rollout` or `node main.js tag-live-image` with their request in the environment.
// Exit 0 on success; 1 with one line on stderr otherwise, which fails `pulumi up`.
import { AwsLiveImageClients, AwsRolloutClients } from "./awsClients";
import { endpointFromEnv, liveImageFromEnv, regionFromEnv, requestFromEnv } from "./env";
import { tagLiveImage } from "./liveImage";
import { rollOut } from "./rollout";

export const COMMANDS = ["rollout", "tag-live-image"] as const;

async function run(command: string, env: NodeJS.ProcessEnv): Promise<string> {
    const region = regionFromEnv(env);
    const endpoint = endpointFromEnv(env);
    if (command === "rollout") {
        const request = requestFromEnv(env);
        const result = await rollOut(request, new AwsRolloutClients(region, endpoint), undefined, (line) =>
            console.log(`[rollout] ${line}`),
        );
        return result.outcome === "unchanged"
            ? `[rollout] version ${result.version} is live`
            : `[rollout] version ${result.to} is live (deployment ${result.deploymentId}${result.attached ? ", attached" : ""})`;
    }
    if (command === "tag-live-image") {
        return `[live-image] ${await tagLiveImage(liveImageFromEnv(env), new AwsLiveImageClients(region, endpoint))}`;
    }
    throw new Error(`unknown command ${JSON.stringify(command)}; one of ${COMMANDS.join(", ")}`);
}

export async function main(
    argv: string[] = process.argv.slice(2),
    env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
    const command = argv[0] ?? "";
    try {
        console.log(await run(command, env));
        return 0;
    } catch (e) {
        console.error(`${command || "rollout"} failed: ${e instanceof Error ? e.message : String(e)}`);
        return 1;
    }
}

if (require.main === module) {
    main().then((code) => process.exit(code));
}
