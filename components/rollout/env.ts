// What the component's commands hand the rollout and the live-image tagging, through their
// environment, read strictly: a malformed number or an unexpected endpoint is refused, not guessed at.
import { RolloutRequest } from "./rollout";

/** The variables the component's rollout command sets. */
export const ROLLOUT_ENV = {
    functionArn: "ROLLOUT_FUNCTION_ARN",
    alias: "ROLLOUT_ALIAS",
    targetVersion: "ROLLOUT_TARGET_VERSION",
    application: "ROLLOUT_APPLICATION",
    deploymentGroup: "ROLLOUT_DEPLOYMENT_GROUP",
    timeoutSeconds: "ROLLOUT_TIMEOUT_SECONDS",
    pollSeconds: "ROLLOUT_POLL_SECONDS",
} as const;

/** The variables the component's live-image command sets. */
export const LIVE_IMAGE_ENV = {
    repository: "LIVE_IMAGE_REPOSITORY",
    registryId: "LIVE_IMAGE_REGISTRY_ID",
    digest: "LIVE_IMAGE_DIGEST",
    tag: "LIVE_IMAGE_TAG",
} as const;

/** Tests point the AWS calls at a local stand-in (moto) only with both of these set. */
export const TEST_MODE_ENV = "LAMBDA_INFERENCE_TEST_MODE";
export const TEST_ENDPOINT_ENV = "LAMBDA_INFERENCE_TEST_ENDPOINT_URL";

export class EnvironmentError extends Error {
    override name = "EnvironmentError";
}

function required(env: NodeJS.ProcessEnv, name: string): string {
    const value = env[name];
    if (!value) {
        throw new EnvironmentError(`${name} is not set`);
    }
    return value;
}

/** A positive whole number of seconds, within [1, max]; anything else is refused by name. */
function seconds(env: NodeJS.ProcessEnv, name: string, fallback: number | undefined, max: number): number {
    const raw = env[name] ?? (fallback === undefined ? undefined : String(fallback));
    if (raw === undefined || !/^[1-9][0-9]*$/.test(raw) || Number(raw) > max) {
        throw new EnvironmentError(
            `${name} must be a whole number of seconds from 1 to ${max}; got ${JSON.stringify(raw ?? null)}`,
        );
    }
    return Number(raw);
}

export function requestFromEnv(env: NodeJS.ProcessEnv): RolloutRequest {
    const targetVersion = required(env, ROLLOUT_ENV.targetVersion);
    if (!/^[1-9][0-9]*$/.test(targetVersion)) {
        throw new EnvironmentError(
            `${ROLLOUT_ENV.targetVersion} must be a published version number; got ${JSON.stringify(targetVersion)}`,
        );
    }
    return {
        functionArn: required(env, ROLLOUT_ENV.functionArn),
        alias: required(env, ROLLOUT_ENV.alias),
        targetVersion,
        application: required(env, ROLLOUT_ENV.application),
        deploymentGroup: required(env, ROLLOUT_ENV.deploymentGroup),
        // CodeDeploy's longest predefined shift is 100 minutes; a day is a generous ceiling.
        timeoutSeconds: seconds(env, ROLLOUT_ENV.timeoutSeconds, undefined, 86_400),
        pollSeconds: seconds(env, ROLLOUT_ENV.pollSeconds, 15, 600),
    };
}

export function regionFromEnv(env: NodeJS.ProcessEnv): string {
    const region = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) {
        throw new EnvironmentError(`AWS_REGION must name a region; got ${JSON.stringify(region ?? null)}`);
    }
    return region;
}

/**
 * The endpoint to send the AWS calls to: AWS's own, unless the tests say they are tests. A stray
 * endpoint variable must not send signed requests somewhere else.
 */
export function endpointFromEnv(env: NodeJS.ProcessEnv): string | undefined {
    const endpoint = env[TEST_ENDPOINT_ENV];
    if (endpoint === undefined) {
        return undefined;
    }
    if (env[TEST_MODE_ENV] !== "1") {
        throw new EnvironmentError(
            `${TEST_ENDPOINT_ENV} is honoured only with ${TEST_MODE_ENV}=1 (the project's tests)`,
        );
    }
    if (!/^http:\/\/(127\.0\.0\.1|localhost):\d+$/.test(endpoint)) {
        throw new EnvironmentError(`${TEST_ENDPOINT_ENV} must be a loopback http://127.0.0.1:<port>; got ${endpoint}`);
    }
    return endpoint;
}

export interface LiveImageRequest {
    repository: string;
    registryId: string;
    digest: string;
    tag: string;
}

export function liveImageFromEnv(env: NodeJS.ProcessEnv): LiveImageRequest {
    const digest = required(env, LIVE_IMAGE_ENV.digest);
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
        throw new EnvironmentError(`${LIVE_IMAGE_ENV.digest} must be an image digest (sha256:...); got ${digest}`);
    }
    const registryId = required(env, LIVE_IMAGE_ENV.registryId);
    if (!/^\d{12}$/.test(registryId)) {
        throw new EnvironmentError(`${LIVE_IMAGE_ENV.registryId} must be an account id; got ${registryId}`);
    }
    return {
        repository: required(env, LIVE_IMAGE_ENV.repository),
        registryId,
        digest,
        tag: required(env, LIVE_IMAGE_ENV.tag),
    };
}
