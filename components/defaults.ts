import { CONTRACT } from "./contract";
import { packagePath } from "./packageRoot";

const MODEL_ENV = CONTRACT.environment.model;

/** The variables the component gives an S3-delivered model's function. */
export const MODEL_ENV_NAMES = [
    MODEL_ENV.bucket,
    MODEL_ENV.key,
    MODEL_ENV.versionId,
    MODEL_ENV.sha256,
    MODEL_ENV.format,
];

/**
 * Every variable the app reads to find, fetch and verify its model, and to
 * reach S3: set by the component (or Lambda), never by `environment`, which
 * could otherwise point the function at another model or another S3 API.
 * `AWS_ENDPOINT_URL` also covers every `AWS_ENDPOINT_URL_<SERVICE>`.
 * (app/tests/test_env_contract.py keeps the contract equal to what the app reads.)
 */
export const RESERVED_APP_ENV = [
    ...MODEL_ENV_NAMES,
    MODEL_ENV.path,
    MODEL_ENV.cacheDir,
    MODEL_ENV.files,
    ...Object.values(CONTRACT.environment.settings),
    ...Object.values(CONTRACT.environment.jobs),
    ...Object.values(CONTRACT.environment.capture),
    ...Object.values(CONTRACT.environment.s3),
];

/** Limits the app reads from `environment`, each an integer in its range, checked at deploy as the app checks them at init. */
export const APP_LIMITS = Object.values(CONTRACT.environment.limits);

/** Names Lambda sets itself and refuses in a function's environment (caught here, at preview, instead). */
export const LAMBDA_RESERVED_ENV = [
    "_HANDLER",
    "_X_AMZN_TRACE_ID",
    "AWS_EXECUTION_ENV",
    "AWS_LAMBDA_FUNCTION_NAME",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
    "AWS_LAMBDA_FUNCTION_VERSION",
    "AWS_LAMBDA_INITIALIZATION_TYPE",
    "AWS_LAMBDA_LOG_GROUP_NAME",
    "AWS_LAMBDA_LOG_STREAM_NAME",
    "AWS_ACCESS_KEY",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_LAMBDA_RUNTIME_API",
    "LAMBDA_TASK_ROOT",
    "LAMBDA_RUNTIME_DIR",
] as const;

/** The tag that marks the image the `live` alias runs, moved after each successful rollout. */
export const LIVE_IMAGE_TAG = "live";

/** Tags that move; every other tag in the repository is immutable. */
export const MOVING_TAGS = ["latest", "buildcache", LIVE_IMAGE_TAG] as const;

/** Model formats, each served by the runtime target of the same name in the bundled Dockerfile. */
export const MODEL_FORMATS = Object.keys(CONTRACT.formats);
export type ModelFormat = string;

/** File extensions that tell the format when `modelFormat` is not given (the app applies the same rule). */
export const FORMAT_OF_EXTENSION: { readonly [extension: string]: ModelFormat } = Object.fromEntries(
    Object.entries(CONTRACT.formats).flatMap(([format, f]) => f.extensions.map((extension) => [extension, format])),
);

/**
 * The value of every optional argument that has a constant default, in the arguments' own shape (the nested
 * `asyncInference`, `batchTransform`, `dataCapture` and `capacityProvider` too). The validation areas are
 * its only readers, each applying its own defaults once; tests/components/defaults.test.ts holds every
 * argument's "Defaults to ..." text to these values.
 */
export const DEFAULTS = {
    dockerfile: "Dockerfile",
    pythonVersion: "3.12",
    computeType: "lambda",
    architecture: "x86_64",
    memorySize: 1024,
    timeout: 30,
    ephemeralStorageSize: 512,
    logRetentionDays: 30,
    enableTracing: false,
    enableFunctionUrl: false,
    functionUrlAuthType: "AWS_IAM",
    keepImages: 10,
    forceDestroy: false,
    modelDelivery: "s3",
    deploymentStrategy: "AllAtOnce",
    enableAlarms: true,
    enableDashboard: false,
    provisionedConcurrencyTargetUtilization: 0.7,
    maxClientErrorRate: 0.5,
    metricsNamespace: CONTRACT.settings.metricsNamespace.default,
    initBudgetSeconds: CONTRACT.settings.initBudgetSeconds.default,
    snapStart: false,
    smokeTest: true,
    rolePath: "/",
    asyncInference: {
        batchSize: 10,
        maximumBatchingWindowSeconds: 0,
        maxReceiveCount: 3,
        messageRetentionSeconds: 345600,
        outputPrefix: "async/",
    },
    batchTransform: {
        inputFormat: "csv",
        outputPrefix: "batch/",
        rowsPerBatch: 500,
        maxBytesPerBatch: 204800,
        maxConcurrency: 100,
        toleratedFailurePercentage: 0,
    },
    dataCapture: {
        samplingPercentage: CONTRACT.capture.samplingPercentage.default,
        captureInputs: true,
        captureOutputs: true,
        prefix: CONTRACT.capture.prefix.default,
        maxBufferSeconds: CONTRACT.capture.maxBufferSeconds.default,
    },
} as const;

/**
 * CodeDeploy's predefined Lambda deployment configurations, without the
 * `CodeDeployDefault.Lambda` prefix, with the minutes each takes to shift all
 * traffic (the rollout waits that long, plus a margin).
 */
export const GRADUAL_STRATEGIES: { readonly [strategy: string]: number } = {
    Canary10Percent5Minutes: 5,
    Canary10Percent10Minutes: 10,
    Canary10Percent15Minutes: 15,
    Canary10Percent30Minutes: 30,
    Linear10PercentEvery1Minute: 10,
    Linear10PercentEvery2Minutes: 20,
    Linear10PercentEvery3Minutes: 30,
    Linear10PercentEvery10Minutes: 100,
};
export const DEPLOYMENT_STRATEGIES = ["AllAtOnce", ...Object.keys(GRADUAL_STRATEGIES)];

/** Alarms: the share of the timeout at which p99 duration alarms, and the namespace of the init-failure metric. */
export const DURATION_ALARM_SHARE = 0.8;
export const METRIC_NAMESPACE = "LambdaInference";
/** A version's client-error share is judged only on minutes with at least this many requests. */
export const CLIENT_ERROR_MIN_REQUESTS = 10;

/** Where the function finds its model: fetched from S3 at init, or baked into the image. */
export const MODEL_DELIVERIES = ["s3", "image"] as const;
export type ModelDelivery = (typeof MODEL_DELIVERIES)[number];

/** Where the bundled Dockerfile's `<format>-bundled` targets put the model (from the build context `model`). */
export const MODEL_PATH_IN_IMAGE: { readonly [format: string]: string } = Object.fromEntries(
    Object.entries(CONTRACT.formats).map(([format, f]) => [format, f.pathInImage]),
);

/** Above this, a model in the image slows every cold start that pulls it; S3 is the better home (the seed's rule). */
export const LARGE_IMAGE_MODEL_BYTES = 500 * 1024 * 1024;
/** Lambda's limit on a container image, all layers uncompressed. */
export const MAX_IMAGE_BYTES = 10 * 1024 * 1024 * 1024;

export type Platform = "linux/amd64" | "linux/arm64";

/** Lambda architecture -> the one build platform an image for it must have. */
export const PLATFORMS: { readonly [architecture: string]: Platform } = {
    x86_64: "linux/amd64",
    arm64: "linux/arm64",
};

export const FUNCTION_URL_AUTH_TYPES = ["AWS_IAM", "NONE"] as const;

/** Retention values CloudWatch Logs accepts (PutRetentionPolicy). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** Tag of the registry build cache inside the function's own repository. */
export const CACHE_TAG: (typeof MOVING_TAGS)[number] = "buildcache";

/** The alias callers invoke; it points at the newest published version. */
export const LIVE_ALIAS = "live";

/**
 * The app bundled with this package. Both the TypeScript sources
 * (`components/`) and the compiled output (`bin/`) sit one level below the
 * package root, so the same relative step works for both.
 */
export const BUNDLED_APP_PATH = packagePath("app");

/** The Pythons the bundled Dockerfile builds on, and the base image of each. */
export const PYTHON_VERSIONS = ["3.12", "3.13"] as const;

/** The Dockerfile target of a transformer text model: the ONNX runtime and the text stage (tokenizers). */
export const TEXT_TARGET = "onnx-text";

/** What Lambda SnapStart takes for a container image function (checked 2026-12). */
export const SNAP_START = {
    /** The Pythons whose AWS base images Lambda snapshots as they are. */
    pythonVersions: ["3.12", "3.13"] as readonly string[],
    /** The most `/tmp` a SnapStart function may have, in MB (it is in the snapshot). */
    maxEphemeralStorageSize: 512,
    /** The label an image on another base must carry for Lambda to snapshot it. */
    label: 'com.amazonaws.lambda.feature.snapstart="Allow"',
};
export const BASE_IMAGE_REPOSITORY = "public.ecr.aws/lambda/python";
export const COMPUTE_TYPES = ["lambda", "managedInstances"] as const;

/** What Lambda Managed Instances take (AWS's documentation and API). */
export const MANAGED_INSTANCES = {
    minimumPython: "3.13",
    memorySize: { min: 2048, max: 32768, default: 2048 },
    memoryGiBPerVcpu: [2, 4, 8],
    maxConcurrencyPerEnvironment: { min: 1, max: 1600 },
    /** The managed policy the capacity provider's operator role needs. */
    operatorPolicy: "AWSLambdaManagedEC2ResourceOperator",
} as const;

/** What queued inference builds on besides its arguments. */
export const QUEUES = {
    /** The visibility timeout is this many times the function's timeout, as AWS advises. */
    visibilityTimeoutFactor: 6,
    /** SQS's largest visibility timeout, in seconds. */
    maxVisibilityTimeoutSeconds: 43200,
    /** SQS's largest message, 1 MiB (ten of them fit Lambda's 6 MB invocation payload). */
    maxMessageBytes: 1048576,
    /** How long the dead-letter queue keeps a message: SQS's longest, time to look at it. */
    deadLetterRetentionSeconds: 1209600,
    /**
     * A message's retention runs from when it was first sent, in the dead-letter queue too: the queue keeps
     * messages at least this much shorter than the dead-letter queue, so a late failure can still be read.
     */
    deadLetterMarginSeconds: 259200,
} as const;

/** The data-set formats a batch transform reads, with Step Functions' name for each. */
export const BATCH_FORMATS = { csv: "CSV", jsonl: "JSONL" } as const;
