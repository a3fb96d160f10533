// The arguments after validation, with every default applied: the one object the constructor reads, in
// slices, each builder taking only the slice it needs. The types say what validation proved (a gradual
// rollout always has its alarms; a model in the image always has a local path), so builders need no `!`
// and no "" placeholders.
import * as pulumi from "@pulumi/pulumi";
import { ModelFormat, Platform } from "./defaults";

export type Tags = { [key: string]: pulumi.Input<string> };
export type StringList = pulumi.Input<pulumi.Input<string>[]>;

/** How the image is built and how long its repository keeps images. */
export interface ImageSettings {
    appPath: string;
    dockerfilePath: string;
    buildArgs?: { [key: string]: pulumi.Input<string> };
    /** The Dockerfile stage to build: the one given, else the stage named after the model format (and delivery). */
    target: string;
    architecture: string;
    platform: Platform;
    /** The Python of the base image. */
    pythonVersion: string;
    /** How many images the lifecycle policy keeps (how many deploys back a rollback can go). */
    keepImages: number;
}

/** The model baked into the image from its folder, the build context `model`. */
export interface ModelInImage {
    delivery: "image";
    format: ModelFormat;
    /** Absolute path of the model file. */
    path: string;
    /** Its hex sha256, hashed once at deploy (when its signature was read). */
    sha256: string;
    /** The build context that holds the model, and its file name there. */
    contextDir: string;
    file: string;
    /** Where the image puts it (the function's MODEL_PATH). */
    pathInImage: string;
}

/** A local model file uploaded to the component's bucket, or to an adopted one. */
export interface UploadedModel {
    delivery: "upload";
    format: ModelFormat;
    path: string;
    /** Its hex sha256, hashed once at deploy (when its signature was read). */
    sha256: string;
    key: pulumi.Input<string>;
    /** An existing bucket to upload into; absent: the component creates a private one. */
    adoptedBucket?: pulumi.Input<string>;
}

/** An object someone else uploaded: read where it is, verified against the sha256 given. */
export interface ExistingModel {
    delivery: "existing";
    format: ModelFormat;
    bucketName: pulumi.Input<string>;
    key: pulumi.Input<string>;
    sha256: pulumi.Input<string>;
}

/** What every model has beside where it is. */
export interface ModelCommon {
    /** Its name in the inference protocol's paths. */
    name: string;
    /**
     * Files it needs beside it, read from its signature and hashed at deploy (a text model's tokenizer.json and
     * config.json): each name's hex sha256. None for a model known only by its key (`modelKey`).
     */
    files: { [name: string]: string };
    /** A transformer text model: served by the image's text stage (its tokenizer library). */
    text: boolean;
}

/** The model wherever it is, and what every model has. */
export type ModelSettings = (ModelInImage | UploadedModel | ExistingModel) & ModelCommon;

/** Provisioned concurrency on the live alias, optionally autoscaled. */
export interface ProvisionedConcurrency {
    min: number;
    /** Present when Application Auto Scaling grows it with load. */
    scaling?: { max: number; targetUtilization: number };
}

/** A capacity provider the component creates for a managed-instances function. */
export interface CapacityProviderSettings {
    subnetIds: StringList;
    securityGroupIds: StringList;
    allowedInstanceTypes?: string[];
    excludedInstanceTypes?: string[];
    scaling?: { maxVcpuCount: number; targetCpuUtilization?: number };
}

interface ManagedInstancesCommon {
    maxConcurrencyPerEnvironment?: number;
    memoryGiBPerVcpu?: number;
}

/** Lambda Managed Instances on an existing capacity provider, and how environments are sized. */
export interface ExistingCapacity extends ManagedInstancesCommon {
    kind: "existing";
    capacityProviderArn: pulumi.Input<string>;
}

/** Lambda Managed Instances on a capacity provider the component creates, and how environments are sized. */
export interface CreatedCapacity extends ManagedInstancesCommon {
    kind: "create";
    provider: CapacityProviderSettings;
}

export type ManagedInstancesSettings = ExistingCapacity | CreatedCapacity;

/** The function's size and its environment. */
export interface ComputeSettings {
    /** Present when the function runs on Lambda Managed Instances. */
    managedInstances?: ManagedInstancesSettings;
    memorySize: number;
    timeout: number;
    ephemeralStorageSize: number;
    reservedConcurrency?: number;
    provisionedConcurrency?: ProvisionedConcurrency;
    environment: { [key: string]: pulumi.Input<string> };
    /** Seconds init may spend fetching, verifying and loading the model. */
    initBudgetSeconds: number;
    /** Each published version's environments are restored from a snapshot taken after init. */
    snapStart: boolean;
}

/** Where the function sits and how it is reached. */
export interface NetworkSettings {
    vpc?: { subnetIds: StringList; securityGroupIds: StringList };
    functionUrl?: { authType: "AWS_IAM" | "NONE" };
}

/** The alarms that judge the live alias; a gradual rollout rolls back on them. */
export interface AlarmSettings {
    actions?: StringList;
    /** The 4xx share of a version's answers in a minute at which its alarm goes off. */
    maxClientErrorRate: number;
}

interface RolloutCommon {
    /** Sent to each new version before it gets traffic. */
    smokeTestEvent?: pulumi.Input<string>;
}

/** Pulumi moves the alias as soon as the new version is published (and smoke-tested). */
export interface AllAtOnceRollout extends RolloutCommon {
    kind: "allAtOnce";
    alarms?: AlarmSettings;
}

/** CodeDeploy shifts traffic by a predefined configuration, rolling back on the alarms. */
export interface GradualRollout extends RolloutCommon {
    kind: "gradual";
    /** A CodeDeploy Lambda configuration, without its `CodeDeployDefault.Lambda` prefix. */
    strategy: string;
    /** How long the shift takes; the rollout waits that long and a margin. */
    minutes: number;
    alarms: AlarmSettings;
}

export type RolloutSettings = AllAtOnceRollout | GradualRollout;

/** Logs, traces and the dashboard. */
export interface ObservabilitySettings {
    logRetentionDays: number;
    /** Where the function's Embedded Metric Format metrics go. */
    metricsNamespace: string;
    enableTracing: boolean;
    enableDashboard: boolean;
    dataCapture?: DataCaptureSettings;
}

/** What data capture keeps, and where it goes. */
export interface DataCaptureSettings {
    samplingPercentage: number;
    inputs: boolean;
    outputs: boolean;
    /** Without `bucket`, the component's capture bucket. */
    destination: S3Prefix;
    maxBufferSeconds: number;
}

/** Encryption, the role's guard rails and deletion protection. */
export interface SecuritySettings {
    /** A customer-managed key, when the user brings one. */
    kmsKeyArn?: pulumi.Input<string>;
    permissionsBoundary?: pulumi.Input<string>;
    rolePath: string;
    forceDestroy: boolean;
}

/** An `s3://bucket/prefix/` location; without `bucket`, the component's results bucket. */
export interface S3Prefix {
    bucket?: pulumi.Input<string>;
    /** Empty, or ending with "/". */
    prefix: string;
}

/** An input location messages may name: known now, since the role's policy and the function's setting name it. */
export interface KnownS3Prefix {
    bucket: string;
    prefix: string;
}

/** The SQS queue, its dead-letter queue and the event source mapping on the live alias. */
export interface AsyncSettings {
    batchSize: number;
    batchingWindowSeconds: number;
    maximumConcurrency?: number;
    maxReceiveCount: number;
    visibilityTimeoutSeconds: number;
    messageRetentionSeconds: number;
    output: S3Prefix;
    inputPrefixes: KnownS3Prefix[];
}

/** The state machine whose Distributed Map scores data sets in S3. */
export interface BatchSettings {
    inputBucket: pulumi.Input<string>;
    inputPrefix: string;
    format: "csv" | "jsonl";
    output: S3Prefix;
    rowsPerBatch: number;
    maxBytesPerBatch: number;
    maxConcurrency: number;
    toleratedFailurePercentage: number;
    passthroughColumns: string[];
    /** A function with many models: each run names its model (the run's input `model`). */
    namesModel: boolean;
}

/** Work that does not wait on a caller: queued requests and batch transforms. */
export interface JobsSettings {
    async?: AsyncSettings;
    batch?: BatchSettings;
}

/** Many models behind one function (`models`). */
export interface RepositorySettings {
    /** Every model, each under its name; `model` is the first, whose format the image serves. */
    models: ModelSettings[];
    /** MODEL_CACHE_BYTES: the bytes of models kept in memory (undefined: the app's share of memorySize). */
    cacheBytes?: number;
    /** PRELOAD_MODELS: the models loaded at init. */
    preload: string[];
    /** The smoke event of each model that has a sample: its signature's sample naming the model. */
    smokeTests: { model: string; event: string; sha256: pulumi.Input<string> }[];
    /** The bucket adopted for the models' uploads and their manifest, if any. */
    adoptedBucket?: pulumi.Input<string>;
}

export interface ResolvedArgs {
    image: ImageSettings;
    model: ModelSettings;
    /** With `models`: every model, their budget and their smoke tests. */
    repository?: RepositorySettings;
    compute: ComputeSettings;
    network: NetworkSettings;
    rollout: RolloutSettings;
    observability: ObservabilitySettings;
    security: SecuritySettings;
    jobs: JobsSettings;
    tags?: Tags;
}

/** What every builder needs besides its slice: the component as parent, and the tags for what takes them. */
export interface BuildContext {
    parent: pulumi.Resource;
    tags?: Tags;
}
