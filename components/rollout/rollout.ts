// The gradual rollout of a new version behind the `live` alias: a CodeDeploy deployment from the
// version the alias serves now to the one just published, then wait for its outcome and report what
// the alias serves. CodeDeploy shifts the traffic and rolls back on its alarms; this starts it (or
// attaches to one already running for the same version), waits, and tells the truth, so that
// `pulumi up` fails, naming the deployment and the alarm, when it rolled back.
//
// Pure logic over a few calls, so it is tested with fakes and against moto; awsClients.ts wires it to
// the AWS SDK and main.ts runs it from the component's command.

export interface RolloutRequest {
    /** The function's ARN: calls made with it act on that account's function and no other. */
    functionArn: string;
    alias: string;
    targetVersion: string;
    application: string;
    deploymentGroup: string;
    /** Give up (and fail) after this long; CodeDeploy goes on and rolls back on its own alarms. */
    timeoutSeconds: number;
    pollSeconds: number;
}

/** What an alias serves: its version, and the share of traffic other versions get (routing config). */
export interface AliasState {
    version: string;
    weights: { [version: string]: number };
}

export interface DeploymentState {
    status: string;
    /** CodeDeploy's errorInformation.message, or its rollback message. */
    message?: string;
}

/** A deployment of the group that has not finished, with the versions its AppSpec moves between. */
export interface ActiveDeployment {
    id: string;
    status: string;
    current?: string;
    target?: string;
}

/** The calls a rollout makes; AwsRolloutClients implements them with the AWS SDK. */
export interface RolloutClients {
    alias(functionArn: string, alias: string): Promise<AliasState>;
    activeDeployments(application: string, deploymentGroup: string): Promise<ActiveDeployment[]>;
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
    | { outcome: "succeeded"; deploymentId: string; from: string; to: string; attached: boolean };

export class RolloutError extends Error {
    override name = "RolloutError";
}

/** CodeDeploy's statuses of a deployment that has not finished. */
export const ACTIVE_STATUSES = ["Created", "Queued", "InProgress", "Baking", "Ready"];
const FINAL = ["Succeeded", "Failed", "Stopped"];

/** The function's name, from its ARN (`arn:<partition>:lambda:<region>:<account>:function:<name>`). */
export function functionNameOf(functionArn: string): string {
    const match = /^arn:[a-z-]+:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)$/.exec(functionArn);
    if (!match) {
        throw new RolloutError(`${functionArn} is not an unqualified Lambda function ARN`);
    }
    return match[1];
}

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

/** The versions an AppSpec moves the alias between, read back from a deployment's revision. */
export function versionsIn(content: string | undefined): { current?: string; target?: string } {
    type Spec = {
        Resources?: { [name: string]: { Properties?: { CurrentVersion?: unknown; TargetVersion?: unknown } } }[];
    };
    try {
        const spec = JSON.parse(content ?? "") as Spec;
        const properties = Object.values(spec.Resources?.[0] ?? {})[0]?.Properties ?? {};
        const text = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
        return { current: text(properties.CurrentVersion), target: text(properties.TargetVersion) };
    } catch {
        return {};
    }
}

/** The alarms CodeDeploy names when it stops a deployment on them ("... alarms were activated: a, b"). */
export function alarmsIn(message: string | undefined): string[] {
    const match = /alarms? (?:were|was) activated:?\s*(.+?)\.?$/i.exec(message ?? "");
    return match ? match[1].split(/,\s*/).map((a) => a.trim()) : [];
}

/** "version 6", or "version 6 and 10% on version 7" for an alias split by its routing config. */
export function describeAlias(state: AliasState): string {
    const others = Object.entries(state.weights).map(([v, w]) => `${Math.round(w * 1000) / 10}% on version ${v}`);
    return others.length === 0 ? `version ${state.version}` : `version ${state.version} and ${others.join(", ")}`;
}

const servesOnly = (state: AliasState, version: string) =>
    state.version === version && Object.keys(state.weights).length === 0;

/** How to stop a deployment by hand, for the messages that need it. */
const stopCommand = (id: string) => `aws deploy stop-deployment --deployment-id ${id} --auto-rollback-enabled`;

/** The deployment to wait for: one already running for this version, a new one, or a refusal naming the blocker. */
async function startOrAttach(
    request: RolloutRequest,
    clients: RolloutClients,
    current: string,
    log: (line: string) => void,
): Promise<{ id: string; attached: boolean }> {
    const active = await clients.activeDeployments(request.application, request.deploymentGroup);
    const same = active.find((d) => d.target === request.targetVersion);
    if (same) {
        log(
            `deployment ${same.id} (${same.status}) already moves ${request.alias} to version ${same.target}; waiting for it`,
        );
        return { id: same.id, attached: true };
    }
    if (active.length > 0) {
        const other = active[0];
        const moving = other.target ? ` (${request.alias} ${other.current ?? "?"} -> ${other.target})` : "";
        throw new RolloutError(
            `deployment group ${request.deploymentGroup} already has an active deployment, ${other.id}${moving}, ` +
                `${other.status}; wait for it to finish, or stop it with \`${stopCommand(other.id)}\`, then run the deploy again`,
        );
    }
    const functionName = functionNameOf(request.functionArn);
    const id = await clients.createDeployment(
        request.application,
        request.deploymentGroup,
        appSpec(functionName, request.alias, current, request.targetVersion),
        `lambda-inference: ${functionName} ${request.alias} ${current} -> ${request.targetVersion}`,
    );
    log(`CodeDeploy deployment ${id}: ${request.alias} ${current} -> ${request.targetVersion}`);
    return { id, attached: false };
}

/** Polls until the deployment finishes or the time runs out. */
async function waitFor(
    id: string,
    request: RolloutRequest,
    clients: RolloutClients,
    sleep: (seconds: number) => Promise<void>,
    log: (line: string) => void,
): Promise<DeploymentState> {
    let waited = 0;
    let last = "";
    for (;;) {
        const state = await clients.deploymentState(id);
        if (state.status !== last) {
            log(`deployment ${id}: ${state.status}`);
            last = state.status;
        }
        if (FINAL.includes(state.status)) {
            return state;
        }
        if (waited >= request.timeoutSeconds) {
            throw new RolloutError(
                `CodeDeploy deployment ${id} is still ${state.status} after ${request.timeoutSeconds} s; ` +
                    "it goes on (and rolls back on its alarms) without this deploy: see the CodeDeploy console, " +
                    "and run the deploy again to wait for it",
            );
        }
        await sleep(request.pollSeconds);
        waited += request.pollSeconds;
    }
}

export async function rollOut(
    request: RolloutRequest,
    clients: RolloutClients,
    sleep: (seconds: number) => Promise<void> = (s) => new Promise((resolve) => setTimeout(resolve, s * 1000)),
    log: (line: string) => void = () => undefined,
): Promise<RolloutResult> {
    const { alias, targetVersion } = request;
    const before = await clients.alias(request.functionArn, alias);
    // Idempotent: a re-run (a new machine, a replaced command) of a finished rollout starts nothing.
    if (servesOnly(before, targetVersion)) {
        log(`${alias} already serves version ${targetVersion}; nothing to deploy`);
        return { outcome: "unchanged", version: targetVersion };
    }
    const { id, attached } = await startOrAttach(request, clients, before.version, log);
    const final = await waitFor(id, request, clients, sleep, log);
    // What the alias serves now is the truth; the deployment's status alone is not.
    const after = await clients.alias(request.functionArn, alias);
    if (final.status === "Succeeded") {
        if (!servesOnly(after, targetVersion)) {
            throw new RolloutError(
                `CodeDeploy deployment ${id} succeeded, but ${alias} serves ${describeAlias(after)}, not version ${targetVersion}`,
            );
        }
        return { outcome: "succeeded", deploymentId: id, from: before.version, to: targetVersion, attached };
    }
    const alarms = alarmsIn(final.message);
    const cause = alarms.length ? `alarm ${alarms.join(", ")} went off` : (final.message ?? "no reason given");
    const detail = alarms.length && final.message ? ` (${final.message})` : "";
    const what = `CodeDeploy deployment ${id} ${final.status.toLowerCase()}: ${cause}${detail}`;
    if (Object.keys(after.weights).length > 0) {
        throw new RolloutError(
            `${what}; ${alias} is left split, serving ${describeAlias(after)}: move it back with ` +
                `\`aws lambda update-alias --function-name ${request.functionArn} --name ${alias} ` +
                `--function-version ${before.version} --routing-config '{}'\``,
        );
    }
    throw new RolloutError(`${what}; ${alias} serves ${describeAlias(after)}`);
}
