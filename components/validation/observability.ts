import { DataCaptureArgs, InferenceFunctionArgs } from "../args";
import { CONTRACT } from "../contract";
import { CAPTURE_DEFAULTS } from "../defaults";
import { BUCKET_NAME, objectProblem, prefixProblem } from "./jobs";
import { Check, integerProblem, patternProblem, Problem } from "./problems";

/** CloudWatch's rule for a namespace: 1 to 255 of these characters, and none of AWS's own. */
const NAMESPACE = /^[0-9A-Za-z.\-_/#:]{1,255}$/;

function namespaceProblems(namespace: unknown): Problem[] {
    if (namespace === undefined) {
        return [];
    }
    if (typeof namespace !== "string" || !NAMESPACE.test(namespace) || namespace.startsWith(":")) {
        return [
            {
                propertyPath: "metricsNamespace",
                reason: `must be 1 to 255 letters, digits and . - _ / # : (a CloudWatch namespace); got ${JSON.stringify(namespace)}`,
            },
        ];
    }
    if (namespace.startsWith("AWS/")) {
        return [
            {
                propertyPath: "metricsNamespace",
                reason: `must not start with "AWS/", which CloudWatch keeps for AWS's own metrics; got ${JSON.stringify(namespace)}`,
            },
        ];
    }
    return [];
}

function booleanProblem(propertyPath: string, value: unknown): Problem[] {
    return value === undefined || typeof value === "boolean"
        ? []
        : [{ propertyPath, reason: `must be true or false; got ${JSON.stringify(value)}` }];
}

function captureProblems(c: DataCaptureArgs, a: InferenceFunctionArgs): Problem[] {
    const at = (field: string) => `dataCapture.${field}`;
    const problems = [
        ...booleanProblem(at("captureInputs"), c.captureInputs),
        ...booleanProblem(at("captureOutputs"), c.captureOutputs),
        ...prefixProblem(at("prefix"), c.prefix),
        ...integerProblem(
            at("maxBufferSeconds"),
            c.maxBufferSeconds,
            CAPTURE_DEFAULTS.maxBufferSecondsRange.min,
            CAPTURE_DEFAULTS.maxBufferSecondsRange.max,
        ),
    ];
    const sampling = c.samplingPercentage;
    if (sampling !== undefined && !(typeof sampling === "number" && sampling >= 0 && sampling <= 100)) {
        problems.push({
            propertyPath: at("samplingPercentage"),
            reason: `must be a number from 0 to 100; got ${JSON.stringify(sampling)}`,
        });
    }
    if (c.captureInputs === false && c.captureOutputs === false) {
        problems.push({
            propertyPath: at("captureOutputs"),
            reason: "captureInputs and captureOutputs are both false: the records would hold nothing to look at",
        });
    }
    problems.push(
        ...patternProblem(
            at("bucketName"),
            c.bucketName,
            BUCKET_NAME,
            `must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens); got ${JSON.stringify(c.bucketName)}`,
        ),
    );
    const bucket = c.bucketName;
    // The function may put objects under the prefix: in the model's own bucket, over the model itself.
    const prefix = typeof c.prefix === "string" ? c.prefix : CAPTURE_DEFAULTS.prefix;
    if (typeof bucket === "string" && bucket === a.modelBucketName) {
        const key = a.modelKey;
        if (typeof key !== "string" || key.startsWith(prefix)) {
            problems.push({
                propertyPath: at("prefix"),
                reason:
                    `would let the function write over its own model: ${JSON.stringify(prefix)} in the model's ` +
                    `bucket ${bucket} covers ${typeof key === "string" ? JSON.stringify(key) : "the model's key"}; ` +
                    "choose a prefix the model is not under (or another bucket)",
            });
        }
    }
    return problems;
}

/**
 * Data capture's records reach S3 through the extension the bundled Dockerfile adds with DATA_CAPTURE=on;
 * a Dockerfile of the user's own may not, and its records would never leave the environment.
 */
export function ownDockerfileCaptureWarning(name: string, a: InferenceFunctionArgs): string | undefined {
    if (a.dataCapture === undefined || (a.dockerfile === undefined && a.appPath === undefined)) {
        return undefined;
    }
    return (
        `InferenceFunction "${name}": dataCapture needs its Lambda extension in the image; the bundled ` +
        `app/Dockerfile adds it when the build argument ${CONTRACT.capture.buildArg} is "on", and a Dockerfile ` +
        `of your own must do the same (put app/extension/${CONTRACT.capture.extension} in /opt/extensions), ` +
        "or the records never leave the function's /tmp"
    );
}

/** Where the function's metrics go, and what data capture keeps. */
export const checkObservability: Check = (a) => {
    const problems = namespaceProblems(a.metricsNamespace);
    if (a.dataCapture !== undefined) {
        const shape = objectProblem("dataCapture", a.dataCapture);
        problems.push(...(shape.length ? shape : captureProblems(a.dataCapture, a)));
    }
    return problems;
};
