// The observability area: the logs' retention, traces, the dashboard, the metrics' namespace, and data
// capture (what it keeps, and where, never over the model).
import { DataCaptureArgs, InferenceFunctionArgs } from "../args";
import { CONTRACT } from "../contract";
import { DEFAULTS, LOG_RETENTION_DAYS } from "../defaults";
import { DataCaptureSettings, ModelSettings, ObservabilitySettings } from "../resolved";
import { BUCKET_NAME, modelCoverageProblem, prefixProblem } from "./locations";
import {
    Area,
    area,
    booleanProblem,
    integerProblem,
    numberProblem,
    objectProblem,
    oneOfProblem,
    patternProblem,
    Problem,
} from "./problems";

const NAMESPACE = CONTRACT.settings.metricsNamespace;

function namespaceProblems(namespace: unknown): Problem[] {
    if (namespace === undefined) {
        return [];
    }
    if (typeof namespace !== "string" || !new RegExp(NAMESPACE.pattern).test(namespace) || namespace.startsWith(":")) {
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

function captureProblems(
    c: DataCaptureArgs,
    prefix: string,
    model: ModelSettings | ModelSettings[] | undefined,
): Problem[] {
    const at = (field: string) => `dataCapture.${field}`;
    const { samplingPercentage: sampling, maxBufferSeconds: buffer } = CONTRACT.capture;
    const problems = [
        ...booleanProblem(at("captureInputs"), c.captureInputs),
        ...booleanProblem(at("captureOutputs"), c.captureOutputs),
        ...prefixProblem(at("prefix"), c.prefix),
        ...integerProblem(at("maxBufferSeconds"), c.maxBufferSeconds, buffer.min, buffer.max),
        ...numberProblem(at("samplingPercentage"), c.samplingPercentage, sampling.min, sampling.max),
    ];
    if (c.captureInputs === false && c.captureOutputs === false) {
        problems.push({
            propertyPath: at("captureOutputs"),
            reason: "captureInputs and captureOutputs are both false: the records would hold nothing to look at",
        });
    }
    const bucketReason = `must be an S3 bucket name (3 to 63 lower-case letters, digits, dots and hyphens); got ${JSON.stringify(c.bucketName)}`;
    problems.push(
        ...patternProblem(at("bucketName"), c.bucketName, BUCKET_NAME, bucketReason),
        ...modelCoverageProblem(at("prefix"), c.bucketName, prefix, model),
    );
    return problems;
}

function captureArea(
    a: InferenceFunctionArgs,
    model: ModelSettings | ModelSettings[] | undefined,
): Area<DataCaptureSettings> {
    const c = a.dataCapture;
    if (c === undefined) {
        return { problems: [] };
    }
    const shape = objectProblem("dataCapture", c);
    if (shape.length > 0) {
        return { problems: shape };
    }
    const d = DEFAULTS.dataCapture;
    const prefix = typeof c.prefix === "string" ? c.prefix : d.prefix;
    return area(captureProblems(c, prefix, model), () => ({
        samplingPercentage: c.samplingPercentage ?? d.samplingPercentage,
        inputs: c.captureInputs ?? d.captureInputs,
        outputs: c.captureOutputs ?? d.captureOutputs,
        destination: { bucket: c.bucketName, prefix },
        maxBufferSeconds: c.maxBufferSeconds ?? d.maxBufferSeconds,
    }));
}

/** Where the logs and metrics go, how long the logs stay, and what data capture keeps. */
export function observabilityArea(
    a: InferenceFunctionArgs,
    model: ModelSettings | ModelSettings[] | undefined,
): Area<ObservabilitySettings> {
    const capture = captureArea(a, model);
    const problems = [
        ...oneOfProblem("logRetentionDays", a.logRetentionDays, LOG_RETENTION_DAYS),
        ...booleanProblem("enableTracing", a.enableTracing),
        ...booleanProblem("enableDashboard", a.enableDashboard),
        ...namespaceProblems(a.metricsNamespace),
        ...capture.problems,
    ];
    return area(problems, () => ({
        logRetentionDays: a.logRetentionDays ?? DEFAULTS.logRetentionDays,
        metricsNamespace: a.metricsNamespace ?? DEFAULTS.metricsNamespace,
        enableTracing: a.enableTracing ?? DEFAULTS.enableTracing,
        enableDashboard: a.enableDashboard ?? DEFAULTS.enableDashboard,
        dataCapture: capture.resolved,
    }));
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
