// The defaults, applied once to arguments that passed every check.
import * as path from "path";
import { InferenceFunctionArgs } from "../args";
import { CONTRACT } from "../contract";
import {
    BUNDLED_APP_PATH,
    DEFAULTS,
    BASE_IMAGE_REPOSITORY,
    CAPTURE_DEFAULTS,
    GRADUAL_STRATEGIES,
    JOB_DEFAULTS,
    MANAGED_INSTANCES,
    MODEL_PATH_IN_IMAGE,
    ModelFormat,
    PLATFORMS,
} from "../defaults";
import {
    ComputeSettings,
    DataCaptureSettings,
    ImageSettings,
    JobsSettings,
    ManagedInstancesSettings,
    ModelSettings,
    NetworkSettings,
    ResolvedArgs,
    RolloutSettings,
} from "../resolved";
import * as pulumi from "@pulumi/pulumi";
import { inferFormat, modelNameOf } from "./model";
import { Facts, signatureOf } from "./problems";
import { parseS3Prefix } from "./jobs";
import { isGradual } from "./rollout";

/** A value the checks proved present; reaching undefined here is a bug in the checks, not bad input. */
function checked<T>(property: string, value: T | undefined): T {
    if (value === undefined) {
        throw new Error(`internal error: ${property} passed validation without a value`);
    }
    return value;
}

function resolveModel(a: InferenceFunctionArgs, facts: Facts): ModelSettings {
    const name = modelNameOf(a, facts);
    const inferred = inferFormat(a);
    const format = "format" in inferred ? inferred.format : checked<ModelFormat>("modelFormat", undefined);
    const delivery = a.modelDelivery ?? DEFAULTS.modelDelivery;
    if (a.modelPath === undefined) {
        return {
            delivery: "existing",
            name,
            format,
            bucketName: checked("modelBucketName", a.modelBucketName),
            key: checked("modelKey", a.modelKey),
            sha256: checked("modelSha256", a.modelSha256),
        };
    }
    const modelPath = path.resolve(a.modelPath);
    if (delivery === "image") {
        return {
            delivery: "image",
            name,
            format,
            path: modelPath,
            contextDir: path.dirname(modelPath),
            file: path.basename(modelPath),
            pathInImage: MODEL_PATH_IN_IMAGE[format],
        };
    }
    return {
        delivery: "upload",
        name,
        format,
        path: modelPath,
        key: a.modelKey ?? `models/${path.basename(modelPath)}`,
        adoptedBucket: a.modelBucketName,
    };
}

/** An object, or undefined when it has no key. */
function orNone<T extends object>(value: T): T | undefined {
    return Object.keys(value).length > 0 ? value : undefined;
}

function resolveImage(a: InferenceFunctionArgs, model: ModelSettings): ImageSettings {
    const appPath = path.resolve(a.appPath ?? BUNDLED_APP_PATH);
    const architecture = a.architecture ?? DEFAULTS.architecture;
    const pythonVersion = a.pythonVersion ?? DEFAULTS.pythonVersion;
    const inImage = model.delivery === "image";
    return {
        appPath,
        dockerfilePath: path.resolve(appPath, a.dockerfile ?? DEFAULTS.dockerfile),
        // The Dockerfile's own BASE_IMAGE (pinned by `npm run pin-base-image`) is the default Python's; another
        // Python gets its base by tag, unless the build arguments pin one (checked to be of that version).
        buildArgs: orNone({
            ...(pythonVersion !== DEFAULTS.pythonVersion
                ? { BASE_IMAGE: `${BASE_IMAGE_REPOSITORY}:${pythonVersion}` }
                : {}),
            ...a.buildArgs,
            ...(inImage ? { MODEL_FILE: model.file } : {}),
            // Data capture's extension is in the image only when capture is on.
            ...(a.dataCapture ? { [CONTRACT.capture.buildArg]: "on" } : {}),
        }),
        target: a.buildTarget ?? (inImage ? `${model.format}-bundled` : model.format),
        architecture,
        platform: PLATFORMS[architecture],
        pythonVersion,
        keepImages: a.keepImages ?? DEFAULTS.keepImages,
    };
}

function resolveManagedInstances(a: InferenceFunctionArgs): ManagedInstancesSettings | undefined {
    if (a.computeType !== "managedInstances") {
        return undefined;
    }
    const p = a.capacityProvider;
    return {
        capacityProviderArn: a.capacityProviderArn,
        provider: p && {
            subnetIds: p.subnetIds,
            securityGroupIds: p.securityGroupIds,
            allowedInstanceTypes: p.allowedInstanceTypes,
            excludedInstanceTypes: p.excludedInstanceTypes,
            scaling:
                p.maxVcpuCount === undefined
                    ? undefined
                    : { maxVcpuCount: p.maxVcpuCount, targetCpuUtilization: p.targetCpuUtilization },
        },
        maxConcurrencyPerEnvironment: a.maxConcurrencyPerEnvironment,
        memoryGiBPerVcpu: a.memoryGiBPerVcpu,
    };
}

function resolveCompute(a: InferenceFunctionArgs): ComputeSettings {
    const min = a.provisionedConcurrency;
    const max = a.provisionedConcurrencyMax;
    const managedInstances = resolveManagedInstances(a);
    return {
        managedInstances,
        memorySize: a.memorySize ?? (managedInstances ? MANAGED_INSTANCES.memorySize.default : DEFAULTS.memorySize),
        timeout: a.timeout ?? DEFAULTS.timeout,
        ephemeralStorageSize: a.ephemeralStorageSize ?? DEFAULTS.ephemeralStorageSize,
        reservedConcurrency: a.reservedConcurrency,
        provisionedConcurrency:
            min === undefined
                ? undefined
                : {
                      min,
                      scaling:
                          max === undefined
                              ? undefined
                              : {
                                    max,
                                    targetUtilization:
                                        a.provisionedConcurrencyTargetUtilization ??
                                        DEFAULTS.provisionedConcurrencyTargetUtilization,
                                },
                  },
        environment: a.environment ?? {},
        initBudgetSeconds: a.initBudgetSeconds ?? DEFAULTS.initBudgetSeconds,
    };
}

function resolveNetwork(a: InferenceFunctionArgs): NetworkSettings {
    const enableUrl = a.enableFunctionUrl ?? DEFAULTS.enableFunctionUrl;
    return {
        vpc:
            a.vpcSubnetIds !== undefined && a.vpcSecurityGroupIds !== undefined
                ? { subnetIds: a.vpcSubnetIds, securityGroupIds: a.vpcSecurityGroupIds }
                : undefined,
        functionUrl: enableUrl
            ? { authType: (a.functionUrlAuthType ?? DEFAULTS.functionUrlAuthType) as "AWS_IAM" | "NONE" }
            : undefined,
    };
}

/** The event each new version must answer: the one given, else the signature's sample; none when turned off. */
function smokeTestEventOf(a: InferenceFunctionArgs, facts: Facts): pulumi.Input<string> | undefined {
    if (a.smokeTest === false) {
        return undefined;
    }
    const sample = signatureOf(facts)?.sample;
    return a.smokeTestEvent ?? (sample ? JSON.stringify(sample) : undefined);
}

function resolveRollout(a: InferenceFunctionArgs, facts: Facts): RolloutSettings {
    const alarms = { actions: a.alarmActions, maxClientErrorRate: a.maxClientErrorRate ?? DEFAULTS.maxClientErrorRate };
    const smokeTestEvent = smokeTestEventOf(a, facts);
    if (isGradual(a.deploymentStrategy)) {
        const strategy = a.deploymentStrategy;
        // Checked before: a gradual strategy always has its alarms.
        return { kind: "gradual", strategy, minutes: GRADUAL_STRATEGIES[strategy], alarms, smokeTestEvent };
    }
    const enableAlarms = a.enableAlarms ?? DEFAULTS.enableAlarms;
    return { kind: "allAtOnce", alarms: enableAlarms ? alarms : undefined, smokeTestEvent };
}

function resolveJobs(a: InferenceFunctionArgs, timeout: number): JobsSettings {
    const q = a.asyncInference;
    const b = a.batchTransform;
    const A = JOB_DEFAULTS.async;
    const B = JOB_DEFAULTS.batch;
    const batchSize = q?.batchSize ?? A.batchSize;
    return {
        async: q && {
            batchSize,
            // SQS requires a window of at least a second for batches above 10.
            batchingWindowSeconds: q.maximumBatchingWindowSeconds ?? (batchSize > 10 ? 1 : 0),
            maximumConcurrency: q.maximumConcurrency,
            maxReceiveCount: q.maxReceiveCount ?? A.maxReceiveCount,
            visibilityTimeoutSeconds:
                q.visibilityTimeoutSeconds ?? Math.min(timeout * A.visibilityTimeoutFactor, 43200),
            messageRetentionSeconds: q.messageRetentionSeconds ?? A.messageRetentionSeconds,
            output: { bucket: q.outputBucketName, prefix: q.outputPrefix ?? A.outputPrefix },
            inputPrefixes: (q.inputPrefixes ?? []).map((p) =>
                checked("asyncInference.inputPrefixes", parseS3Prefix(p)),
            ),
        },
        batch: b && {
            inputBucket: b.inputBucketName,
            inputPrefix: b.inputPrefix ?? "",
            format: (b.inputFormat ?? B.inputFormat) as "csv" | "jsonl",
            output: { bucket: b.outputBucketName, prefix: b.outputPrefix ?? B.outputPrefix },
            rowsPerBatch: b.rowsPerBatch ?? B.rowsPerBatch,
            maxBytesPerBatch: b.maxBytesPerBatch ?? B.maxBytesPerBatch,
            maxConcurrency: b.maxConcurrency ?? B.maxConcurrency,
            toleratedFailurePercentage: b.toleratedFailurePercentage ?? B.toleratedFailurePercentage,
            passthroughColumns: b.passthroughColumns ?? [],
        },
    };
}

function resolveCapture(a: InferenceFunctionArgs): DataCaptureSettings | undefined {
    const c = a.dataCapture;
    return (
        c && {
            samplingPercentage: c.samplingPercentage ?? CAPTURE_DEFAULTS.samplingPercentage,
            inputs: c.captureInputs ?? true,
            outputs: c.captureOutputs ?? true,
            destination: { bucket: c.bucketName, prefix: c.prefix ?? CAPTURE_DEFAULTS.prefix },
            maxBufferSeconds: c.maxBufferSeconds ?? CAPTURE_DEFAULTS.maxBufferSeconds,
        }
    );
}

/** Every default applied, in the slices the builders take. */
export function resolve(a: InferenceFunctionArgs, facts: Facts): ResolvedArgs {
    const model = resolveModel(a, facts);
    const compute = resolveCompute(a);
    return {
        jobs: resolveJobs(a, compute.timeout),
        image: resolveImage(a, model),
        model,
        compute,
        network: resolveNetwork(a),
        rollout: resolveRollout(a, facts),
        observability: {
            logRetentionDays: a.logRetentionDays ?? DEFAULTS.logRetentionDays,
            metricsNamespace: a.metricsNamespace ?? DEFAULTS.metricsNamespace,
            enableTracing: a.enableTracing ?? DEFAULTS.enableTracing,
            enableDashboard: a.enableDashboard ?? DEFAULTS.enableDashboard,
            dataCapture: resolveCapture(a),
        },
        security: {
            kmsKeyArn: a.kmsKeyArn,
            permissionsBoundary: a.permissionsBoundary,
            rolePath: a.rolePath,
            forceDestroy: a.forceDestroy ?? DEFAULTS.forceDestroy,
        },
        tags: a.tags,
    };
}
