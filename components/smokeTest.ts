import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { parseObject } from "./json";
import { BuildContext, RolloutSettings } from "./resolved";

/**
 * The version, once it answered the smoke event with success and the deployed
 * model's sha256 prefix; throws, quoting the answer, otherwise. The answer is
 * the direct-invoke document (native predictions, or an inference protocol
 * response), or a function URL / API Gateway proxy response whose body is one.
 */
export function checkSmokeAnswer(answer: string, sha256: string, version: string): string {
    const fail = (why: string) =>
        new Error(
            `smoke test of version ${version} failed: ${why}; the answer was ${answer}; no traffic was moved to it`,
        );
    let document = parseObject<Answer>(answer);
    if (document && typeof document.statusCode === "number") {
        if (document.statusCode !== 200) {
            throw fail(`status ${document.statusCode}`);
        }
        document = parseObject<Answer>(String(document.body));
    }
    if (!document) {
        throw fail("not a JSON answer");
    }
    if ("error" in document || !("predictions" in document || "outputs" in document)) {
        throw fail("not a prediction");
    }
    // The native answer names its model in `model`; an inference protocol answer in its parameters.
    const served = "outputs" in document ? document.parameters?.model_sha256 : document.model?.sha256;
    const expected = sha256.slice(0, 12);
    if (served !== expected) {
        throw fail(`it served model ${JSON.stringify(served)}, not the deployed ${expected}`);
    }
    return version;
}

/** What the function answers, directly or in a proxy response's body. */
interface Answer {
    statusCode?: unknown;
    body?: unknown;
    predictions?: unknown;
    outputs?: unknown;
    error?: unknown;
    model?: { sha256?: unknown };
    parameters?: { model_sha256?: unknown };
}

/**
 * Invokes the version just published (not the alias) with the smoke event,
 * once per version and model, and returns that version once its answer checks
 * out: the alias move or the gradual deployment waits for it. Without a smoke
 * event, the version as published.
 */
export function createSmokeTest(
    name: string,
    rollout: Pick<RolloutSettings, "smokeTestEvent">,
    deps: { fn: aws.lambda.Function; sha256: pulumi.Output<string> },
    { parent }: BuildContext,
): pulumi.Output<string> {
    if (rollout.smokeTestEvent === undefined) {
        return deps.fn.version;
    }
    const invocation = new aws.lambda.Invocation(
        `${name}-smoke-test`,
        {
            functionName: deps.fn.name,
            qualifier: deps.fn.version,
            input: rollout.smokeTestEvent,
            triggers: { version: deps.fn.version, sha256: deps.sha256 },
        },
        { parent },
    );
    return pulumi
        .all([invocation.result, deps.sha256, deps.fn.version])
        .apply(([answer, sha256, version]) => checkSmokeAnswer(answer, sha256, version));
}

/**
 * A function with many models: each model that has a sample is invoked with it (naming the model) on the
 * version just published, and the version is returned once every answer checks out, each against its own
 * model's sha256.
 */
export function createSmokeTests(
    name: string,
    tests: { model: string; event: string; sha256: pulumi.Input<string> }[],
    fn: aws.lambda.Function,
    { parent }: BuildContext,
): pulumi.Output<string> {
    const checked = tests.map(({ model, event, sha256 }) => {
        const invocation = new aws.lambda.Invocation(
            `${name}-smoke-test-${model}`,
            { functionName: fn.name, qualifier: fn.version, input: event, triggers: { version: fn.version, sha256 } },
            { parent },
        );
        return pulumi
            .all([invocation.result, sha256, fn.version])
            .apply(([answer, hex, version]) => checkSmokeAnswer(answer, hex, version));
    });
    return pulumi.all([fn.version, ...checked]).apply(([version]) => version);
}
