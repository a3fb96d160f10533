import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunctionArgs } from "./args";
import {
    BUNDLED_APP_PATH,
    DEFAULTS,
    FORMAT_OF_EXTENSION,
    FUNCTION_URL_AUTH_TYPES,
    LARGE_IMAGE_MODEL_BYTES,
    APP_LIMIT_SETTINGS,
    DEPLOYMENT_STRATEGIES,
    GRADUAL_STRATEGIES,
    LAMBDA_RESERVED_ENV,
    LOG_RETENTION_DAYS,
    MAX_IMAGE_BYTES,
    MODEL_DELIVERIES,
    RESERVED_APP_ENV,
    MODEL_FORMATS,
    MODEL_PATH_IN_IMAGE,
    ModelDelivery,
    ModelFormat,
    Platform,
    PLATFORMS,
} from "./defaults";

type Tags = { [key: string]: pulumi.Input<string> };

/**
 * The arguments after validation, with every default applied: the one object
 * the constructor and every builder read. Optional here means "absent by
 * default" (no reserved concurrency, no VPC, no tags), never "default not yet
 * applied".
 */
export interface ResolvedArgs {
    appPath: string;
    dockerfilePath: string;
    buildArgs?: { [key: string]: pulumi.Input<string> };
    /** The Dockerfile stage to build: the one given, else the stage named after the model format (and delivery). */
    buildTarget: string;
    architecture: string;
    platform: Platform;
    /** Absolute path of the model file to upload; absent when an existing object is adopted. */
    modelPath?: string;
    modelFormat: ModelFormat;
    modelDelivery: ModelDelivery;
    /** Present exactly with modelDelivery "image": the build context that holds the model, and where it lands. */
    bundledModel?: { contextDir: string; file: string; pathInImage: string };
    modelKey?: pulumi.Input<string>;
    modelBucketName?: pulumi.Input<string>;
    modelSha256?: pulumi.Input<string>;
    memorySize: number;
    timeout: number;
    ephemeralStorageSize: number;
    reservedConcurrency?: number;
    provisionedConcurrency?: number;
    /** Present exactly when provisioned concurrency scales with load. */
    provisionedConcurrencyScaling?: { max: number; targetUtilization: number };
    deploymentStrategy: string;
    /** The minutes a gradual strategy takes to shift all traffic; absent with AllAtOnce. */
    gradualMinutes?: number;
    enableAlarms: boolean;
    alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
    enableDashboard: boolean;
    smokeTestEvent?: pulumi.Input<string>;
    environment: { [key: string]: pulumi.Input<string> };
    logRetentionDays: number;
    enableTracing: boolean;
    enableFunctionUrl: boolean;
    functionUrlAuthType: string;
    /** Present exactly when the function is placed in a VPC. */
    vpc?: {
        subnetIds: pulumi.Input<pulumi.Input<string>[]>;
        securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    };
    keepImages: number;
    forceDestroy: boolean;
    /** Present when the user brings a customer-managed key. */
    kmsKeyArn?: pulumi.Input<string>;
    permissionsBoundary?: pulumi.Input<string>;
    rolePath?: string;
    tags?: Tags;
}

type Problem = pulumi.InputPropertyErrorDetails;

function checkInteger(
    problems: Problem[],
    propertyPath: string,
    value: number | undefined,
    min: number,
    max: number,
    unit: string,
): void {
    if (value === undefined) {
        return;
    }
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        problems.push({
            propertyPath,
            reason: `must be an integer from ${min} to ${max}${unit}; got ${JSON.stringify(value)}`,
        });
    }
}

function checkOneOf(problems: Problem[], propertyPath: string, value: unknown, allowed: readonly unknown[]): void {
    if (value !== undefined && !allowed.includes(value)) {
        problems.push({
            propertyPath,
            reason: `must be one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}; got ${JSON.stringify(value)}`,
        });
    }
}

/** True when `value` is a plain value present now (not an Output or a Promise still to resolve). */
function isKnown(value: unknown): boolean {
    return value !== undefined && !pulumi.Output.isInstance(value) && !(value instanceof Promise);
}

/** The minutes a gradual strategy takes to shift all traffic; undefined for AllAtOnce (or an unknown name). */
function gradualMinutesOf(strategy: string | undefined): number | undefined {
    return strategy !== undefined && Object.hasOwn(GRADUAL_STRATEGIES, strategy)
        ? GRADUAL_STRATEGIES[strategy]
        : undefined;
}

/** Deployment strategy, alarms, smoke test and provisioned-concurrency scaling: each alone, then together. */
function checkRollout(problems: Problem[], a: InferenceFunctionArgs, gradual: boolean): void {
    checkOneOf(problems, "deploymentStrategy", a.deploymentStrategy, DEPLOYMENT_STRATEGIES);
    if (gradual && a.enableAlarms === false) {
        problems.push({
            propertyPath: "enableAlarms",
            reason: `must be true with deploymentStrategy ${JSON.stringify(a.deploymentStrategy)}: CodeDeploy rolls back on the component's alarms`,
        });
    }
    if (gradual && typeof a.keepImages === "number" && a.keepImages < 2) {
        problems.push({
            propertyPath: "keepImages",
            reason: `must be at least 2 with a gradual deploymentStrategy: the old version keeps serving (and may be rolled back to) until the shift completes; got ${a.keepImages}`,
        });
    }
    for (const [i, action] of (Array.isArray(a.alarmActions) ? a.alarmActions : []).entries()) {
        if (isKnown(action) && !/^arn:aws[a-z-]*:/.test(String(action))) {
            problems.push({
                propertyPath: `alarmActions[${i}]`,
                reason: `must be an ARN; got ${JSON.stringify(action)}`,
            });
        }
    }
    if (isKnown(a.smokeTestEvent)) {
        let event: unknown;
        try {
            event = JSON.parse(String(a.smokeTestEvent));
        } catch {
            event = undefined;
        }
        if (typeof event !== "object" || event === null || Array.isArray(event)) {
            problems.push({
                propertyPath: "smokeTestEvent",
                reason: `must be a JSON object the function accepts, such as {"features": [...]}; got ${JSON.stringify(a.smokeTestEvent)}`,
            });
        }
    }
    const max = a.provisionedConcurrencyMax;
    checkInteger(problems, "provisionedConcurrencyMax", max, 1, 1_000_000, "");
    const target = a.provisionedConcurrencyTargetUtilization;
    if (target !== undefined && (typeof target !== "number" || !(target >= 0.1 && target <= 0.9))) {
        problems.push({
            propertyPath: "provisionedConcurrencyTargetUtilization",
            reason: `must be a number from 0.1 to 0.9; got ${JSON.stringify(target)}`,
        });
    }
    if (target !== undefined && max === undefined) {
        problems.push({
            propertyPath: "provisionedConcurrencyTargetUtilization",
            reason: "is used only with provisionedConcurrencyMax (the utilisation autoscaling tracks)",
        });
    }
    if (max !== undefined && Number.isInteger(max)) {
        const min = a.provisionedConcurrency;
        if (min === undefined) {
            problems.push({
                propertyPath: "provisionedConcurrencyMax",
                reason: "needs provisionedConcurrency, the lower bound autoscaling starts from",
            });
        } else if (Number.isInteger(min) && max <= min) {
            problems.push({
                propertyPath: "provisionedConcurrencyMax",
                reason: `must be greater than provisionedConcurrency (${min}); got ${max}`,
            });
        }
        if (typeof a.reservedConcurrency === "number" && max > a.reservedConcurrency) {
            problems.push({
                propertyPath: "provisionedConcurrencyMax",
                reason: `must not exceed reservedConcurrency (${a.reservedConcurrency}); got ${max}`,
            });
        }
    }
}

/** Names the component or Lambda own are refused; the app's limits must be what the app accepts. */
function checkEnvironment(problems: Problem[], environment: { [key: string]: pulumi.Input<string> }): void {
    for (const [key, value] of Object.entries(environment)) {
        const where = `environment.${key}`;
        if ((RESERVED_APP_ENV as readonly string[]).includes(key) || key.startsWith("AWS_ENDPOINT_URL")) {
            problems.push({
                propertyPath: where,
                reason: "is set by the component (the model's location and identity, and how S3 is reached) and may not be overridden",
            });
        } else if ((LAMBDA_RESERVED_ENV as readonly string[]).includes(key)) {
            problems.push({ propertyPath: where, reason: "is reserved by Lambda, which sets it itself" });
        } else if (!/^[a-zA-Z][a-zA-Z0-9_]*$/.test(key)) {
            problems.push({
                propertyPath: where,
                reason: "must be a name of letters, digits and underscores that starts with a letter",
            });
        } else if (
            (APP_LIMIT_SETTINGS as readonly string[]).includes(key) &&
            isKnown(value) &&
            !/^[1-9][0-9]*$/.test(String(value))
        ) {
            problems.push({
                propertyPath: where,
                reason: `must be a positive integer (the app refuses anything else at init); got ${JSON.stringify(value)}`,
            });
        }
    }
}

/**
 * The model's format: as given, else what its file name says (`modelPath`,
 * else a `modelKey` known now). Pushes a problem and returns a placeholder
 * when neither settles it, so validation goes on to report everything.
 */
function resolveModelFormat(problems: Problem[], a: InferenceFunctionArgs): ModelFormat {
    if (a.modelFormat !== undefined) {
        checkOneOf(problems, "modelFormat", a.modelFormat, MODEL_FORMATS);
        return a.modelFormat as ModelFormat;
    }
    const name = a.modelPath ?? (isKnown(a.modelKey) ? String(a.modelKey) : undefined);
    if (name === undefined) {
        if (a.modelKey !== undefined) {
            problems.push({
                propertyPath: "modelFormat",
                reason: "is required when modelKey is only known at deploy time (onnx or sklearn)",
            });
        }
        return MODEL_FORMATS[0];
    }
    const extension = path.extname(name).toLowerCase();
    const format = FORMAT_OF_EXTENSION[extension];
    if (format === undefined) {
        problems.push({
            propertyPath: "modelFormat",
            reason: `is required: the model's name ${JSON.stringify(path.basename(name))} does not tell (.onnx is onnx; .joblib, .pkl and .pickle are sklearn)`,
        });
        return MODEL_FORMATS[0];
    }
    return format;
}

/**
 * Checks every argument and returns them with defaults applied, or throws one
 * `InputPropertiesError` listing every problem. Runs before any resource is
 * registered, so bad input never leaves a half-created component behind.
 * Values that are Outputs are not judged: they are unknown until deploy.
 */
export function validateArgs(name: string, args: InferenceFunctionArgs): ResolvedArgs {
    const problems: Problem[] = [];
    // Languages other than TypeScript can pass null for an absent value.
    const a = Object.fromEntries(
        Object.entries(args ?? {}).filter(([, v]) => v !== null && v !== undefined),
    ) as InferenceFunctionArgs;

    const appPath = path.resolve(a.appPath ?? BUNDLED_APP_PATH);
    const dockerfile = a.dockerfile ?? DEFAULTS.dockerfile;
    const dockerfilePath = path.resolve(appPath, dockerfile);
    if (!fs.existsSync(appPath) || !fs.statSync(appPath).isDirectory()) {
        problems.push({ propertyPath: "appPath", reason: `must be an existing directory; ${appPath} is not one` });
    } else if (!fs.existsSync(dockerfilePath) || !fs.statSync(dockerfilePath).isFile()) {
        problems.push({
            propertyPath: a.dockerfile === undefined ? "appPath" : "dockerfile",
            reason: `must name a Dockerfile inside appPath; ${dockerfilePath} does not exist`,
        });
    }

    const architecture = a.architecture ?? DEFAULTS.architecture;
    checkOneOf(problems, "architecture", architecture, Object.keys(PLATFORMS));

    checkInteger(problems, "memorySize", a.memorySize, 128, 10240, " (MB)");
    checkInteger(problems, "timeout", a.timeout, 1, 900, " (seconds)");
    checkInteger(problems, "ephemeralStorageSize", a.ephemeralStorageSize, 512, 10240, " (MB)");
    checkInteger(problems, "reservedConcurrency", a.reservedConcurrency, 0, 1_000_000, "");
    checkInteger(problems, "provisionedConcurrency", a.provisionedConcurrency, 1, 1_000_000, "");
    checkInteger(problems, "keepImages", a.keepImages, 1, 1000, "");
    checkOneOf(problems, "logRetentionDays", a.logRetentionDays, LOG_RETENTION_DAYS);
    checkOneOf(problems, "functionUrlAuthType", a.functionUrlAuthType, FUNCTION_URL_AUTH_TYPES);
    // Compared only once each is valid on its own, so one mistake is reported once.
    const countsValid = problems.every(
        (p) => p.propertyPath !== "reservedConcurrency" && p.propertyPath !== "provisionedConcurrency",
    );
    if (
        countsValid &&
        a.reservedConcurrency !== undefined &&
        a.provisionedConcurrency !== undefined &&
        a.provisionedConcurrency > a.reservedConcurrency
    ) {
        problems.push({
            propertyPath: "provisionedConcurrency",
            reason: `must not exceed reservedConcurrency (${a.reservedConcurrency}); got ${a.provisionedConcurrency}`,
        });
    }

    const ephemeralStorageSize = a.ephemeralStorageSize ?? DEFAULTS.ephemeralStorageSize;
    const modelDelivery = (a.modelDelivery ?? DEFAULTS.modelDelivery) as ModelDelivery;
    checkOneOf(problems, "modelDelivery", modelDelivery, MODEL_DELIVERIES);
    const inImage = modelDelivery === "image";
    let modelPath: string | undefined;
    let largeModelWarning: string | undefined;
    if (a.modelPath !== undefined) {
        modelPath = path.resolve(a.modelPath);
        const stat = fs.statSync(modelPath, { throwIfNoEntry: false });
        if (!stat?.isFile()) {
            problems.push({ propertyPath: "modelPath", reason: `must be an existing file; ${modelPath} is not one` });
        } else if (inImage && stat.size > MAX_IMAGE_BYTES) {
            problems.push({
                propertyPath: "modelPath",
                reason: `must be under Lambda's 10 GB image limit with modelDelivery "image"; ${modelPath} is ${stat.size} bytes: use modelDelivery "s3"`,
            });
        } else if (inImage && stat.size > LARGE_IMAGE_MODEL_BYTES) {
            largeModelWarning = `InferenceFunction "${name}": the model (${modelPath}, ${stat.size} bytes) is over 500 MB; every cold start that pulls the image pays for it, so modelDelivery "s3" is the better home for it`;
        } else if (
            !inImage &&
            Number.isInteger(ephemeralStorageSize) &&
            stat.size > ephemeralStorageSize * 1024 * 1024
        ) {
            problems.push({
                propertyPath: "ephemeralStorageSize",
                reason: `must be large enough to hold the model in /tmp: ${modelPath} is ${stat.size} bytes, /tmp is ${ephemeralStorageSize} MB`,
            });
        }
    } else if (inImage) {
        problems.push({ propertyPath: "modelPath", reason: 'is required with modelDelivery "image"' });
    } else {
        if (a.modelBucketName === undefined || a.modelKey === undefined) {
            problems.push({
                propertyPath: "modelPath",
                reason: "is required unless modelBucketName and modelKey name a model object that already exists",
            });
        } else if (a.modelSha256 === undefined) {
            problems.push({
                propertyPath: "modelSha256",
                reason: "is required when the model is not uploaded from modelPath (the function verifies the download against it)",
            });
        }
    }
    if (inImage) {
        for (const prop of ["modelBucketName", "modelKey", "modelSha256"] as const) {
            if (a[prop] !== undefined) {
                problems.push({
                    propertyPath: prop,
                    reason: 'is not used with modelDelivery "image": the model is inside the image, hashed from modelPath',
                });
            }
        }
        if (a.buildArgs?.MODEL_FILE !== undefined) {
            problems.push({
                propertyPath: "buildArgs.MODEL_FILE",
                reason: 'is set by the component with modelDelivery "image" (the file name of modelPath)',
            });
        }
    }
    const modelFormat = resolveModelFormat(problems, a);
    if (isKnown(a.modelSha256) && !/^[0-9a-f]{64}$/.test(String(a.modelSha256))) {
        problems.push({
            propertyPath: "modelSha256",
            reason: `must be 64 lowercase hex characters; got ${JSON.stringify(a.modelSha256)}`,
        });
    }
    if (isKnown(a.modelKey) && (String(a.modelKey) === "" || String(a.modelKey).startsWith("/"))) {
        problems.push({
            propertyPath: "modelKey",
            reason: `must be a non-empty object key that does not start with "/"; got ${JSON.stringify(a.modelKey)}`,
        });
    }

    const hasSubnets = a.vpcSubnetIds !== undefined;
    const hasGroups = a.vpcSecurityGroupIds !== undefined;
    if (hasSubnets !== hasGroups) {
        problems.push({
            propertyPath: hasSubnets ? "vpcSecurityGroupIds" : "vpcSubnetIds",
            reason: "must be given together with " + (hasSubnets ? "vpcSubnetIds" : "vpcSecurityGroupIds"),
        });
    }
    for (const [prop, list] of [
        ["vpcSubnetIds", a.vpcSubnetIds],
        ["vpcSecurityGroupIds", a.vpcSecurityGroupIds],
    ] as const) {
        if (Array.isArray(list) && list.length === 0) {
            problems.push({ propertyPath: prop, reason: "must hold at least one id" });
        }
    }

    checkEnvironment(problems, a.environment ?? {});
    const gradualMinutes = gradualMinutesOf(a.deploymentStrategy);
    checkRollout(problems, a, gradualMinutes !== undefined);
    if (
        (a.enableFunctionUrl ?? DEFAULTS.enableFunctionUrl) &&
        a.functionUrlAuthType === "NONE" &&
        a.reservedConcurrency === undefined
    ) {
        problems.push({
            propertyPath: "reservedConcurrency",
            reason: 'is required with functionUrlAuthType "NONE": a public URL without a ceiling lets anyone spend the account\'s concurrency and money',
        });
    }
    if (a.rolePath !== undefined && !/^\/([\x21-\x7e]{0,510}\/)?$/.test(a.rolePath)) {
        problems.push({
            propertyPath: "rolePath",
            reason: `must start and end with "/" (at most 512 printable characters); got ${JSON.stringify(a.rolePath)}`,
        });
    }
    if (
        isKnown(a.kmsKeyArn) &&
        !/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/.test(String(a.kmsKeyArn))
    ) {
        problems.push({
            propertyPath: "kmsKeyArn",
            reason: `must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>; an alias cannot scope the role's kms:Decrypt); got ${JSON.stringify(a.kmsKeyArn)}`,
        });
    }
    if (
        isKnown(a.permissionsBoundary) &&
        !/^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/.test(String(a.permissionsBoundary))
    ) {
        problems.push({
            propertyPath: "permissionsBoundary",
            reason: `must be an IAM policy ARN (arn:aws:iam::<account>:policy/<name>); got ${JSON.stringify(a.permissionsBoundary)}`,
        });
    }

    if (problems.length > 0) {
        throw new pulumi.InputPropertiesError({
            message: `InferenceFunction "${name}" has ${problems.length} invalid argument${problems.length === 1 ? "" : "s"}`,
            errors: problems,
        });
    }
    if (largeModelWarning) {
        pulumi.log.warn(largeModelWarning);
    }
    const bundledModel =
        inImage && modelPath !== undefined
            ? {
                  contextDir: path.dirname(modelPath),
                  file: path.basename(modelPath),
                  pathInImage: MODEL_PATH_IN_IMAGE[modelFormat],
              }
            : undefined;

    return {
        appPath,
        dockerfilePath,
        buildArgs: bundledModel ? { ...a.buildArgs, MODEL_FILE: bundledModel.file } : a.buildArgs,
        buildTarget: a.buildTarget ?? (inImage ? `${modelFormat}-bundled` : modelFormat),
        architecture,
        platform: PLATFORMS[architecture],
        modelPath,
        modelFormat,
        modelDelivery,
        bundledModel,
        modelKey: a.modelKey,
        modelBucketName: a.modelBucketName,
        modelSha256: a.modelSha256,
        memorySize: a.memorySize ?? DEFAULTS.memorySize,
        timeout: a.timeout ?? DEFAULTS.timeout,
        ephemeralStorageSize,
        reservedConcurrency: a.reservedConcurrency,
        provisionedConcurrency: a.provisionedConcurrency,
        provisionedConcurrencyScaling:
            a.provisionedConcurrencyMax !== undefined
                ? {
                      max: a.provisionedConcurrencyMax,
                      targetUtilization:
                          a.provisionedConcurrencyTargetUtilization ?? DEFAULTS.provisionedConcurrencyTargetUtilization,
                  }
                : undefined,
        deploymentStrategy: a.deploymentStrategy ?? DEFAULTS.deploymentStrategy,
        gradualMinutes,
        enableAlarms: a.enableAlarms ?? DEFAULTS.enableAlarms,
        alarmActions: a.alarmActions,
        enableDashboard: a.enableDashboard ?? DEFAULTS.enableDashboard,
        smokeTestEvent: a.smokeTestEvent,
        environment: a.environment ?? {},
        logRetentionDays: a.logRetentionDays ?? DEFAULTS.logRetentionDays,
        enableTracing: a.enableTracing ?? DEFAULTS.enableTracing,
        enableFunctionUrl: a.enableFunctionUrl ?? DEFAULTS.enableFunctionUrl,
        functionUrlAuthType: a.functionUrlAuthType ?? DEFAULTS.functionUrlAuthType,
        vpc:
            a.vpcSubnetIds !== undefined && a.vpcSecurityGroupIds !== undefined
                ? { subnetIds: a.vpcSubnetIds, securityGroupIds: a.vpcSecurityGroupIds }
                : undefined,
        keepImages: a.keepImages ?? DEFAULTS.keepImages,
        forceDestroy: a.forceDestroy ?? DEFAULTS.forceDestroy,
        kmsKeyArn: a.kmsKeyArn,
        permissionsBoundary: a.permissionsBoundary,
        rolePath: a.rolePath,
        tags: a.tags,
    };
}
