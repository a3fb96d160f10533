import * as pulumi from "@pulumi/pulumi";

/**
 * Queued inference: an SQS queue whose messages the function answers, with
 * each result written to S3 (as SageMaker's asynchronous inference does). A
 * message is `{"id": "...", "input": <a document the function accepts> |
 * {"s3Uri": "s3://..."}, "output": {"s3Uri": "s3://..."}}`, `output`
 * optional.
 */
export interface AsyncInferenceArgs {
    /**
     * Messages handed to one invocation, an integer from 1 to 10000 (above
     * 10, `maximumBatchingWindowSeconds` must be at least 1, as SQS requires).
     * Defaults to 10.
     */
    batchSize?: number;
    /**
     * Seconds the event source mapping may wait to fill a batch, an integer
     * from 0 to 300. Defaults to 0 (1 when `batchSize` is above 10).
     */
    maximumBatchingWindowSeconds?: number;
    /**
     * Most concurrent invocations the queue drives, an integer from 2 to 1000:
     * keeps queued work from taking the concurrency synchronous callers need.
     * Defaults to none (Lambda scales the pollers up to the function's
     * concurrency).
     */
    maximumConcurrency?: number;
    /**
     * Deliveries of a message that fails before it moves to the dead-letter
     * queue, an integer from 1 to 1000. Defaults to 3.
     */
    maxReceiveCount?: number;
    /**
     * Seconds a delivered message stays hidden from other consumers, an
     * integer from the function's `timeout` to 43200. Defaults to six times
     * `timeout`, as AWS advises for a queue that feeds a function.
     */
    visibilityTimeoutSeconds?: number;
    /**
     * Seconds a message may wait in the queue, an integer from 60 to 950400
     * (11 days): the dead-letter queue keeps its messages 14 days counted
     * from when they were first sent, so a message that fails late still
     * waits there at least 3 days. Defaults to 345600 (4 days).
     */
    messageRetentionSeconds?: number;
    /**
     * An existing bucket to write results to. Defaults to none: the results
     * go to a private, versioned, encrypted, TLS-only bucket the component
     * creates (the `outputBucketName` output).
     */
    outputBucketName?: pulumi.Input<string>;
    /**
     * Key prefix of the results, ending with `/`: a message without `output`
     * gets `<prefix><id>.json`, and one with `output` must name a key under
     * it (`ASYNC_OUTPUT_URI`). Defaults to `async/`.
     */
    outputPrefix?: string;
    /**
     * `s3://bucket/prefix/` locations messages may name as `input.s3Uri` (the
     * role may read those and nothing else; `ASYNC_INPUT_PREFIXES`). Each
     * ends with `/`. Defaults to none (inputs travel in the message).
     */
    inputPrefixes?: string[];
}

/**
 * Data capture: a sampled record of what the model was asked and what it
 * answered, as JSON Lines in S3 partitioned by date
 * (`<prefix>dt=YYYY-MM-DD/`), for drift checks and retraining (as
 * SageMaker's Data Capture). A Lambda extension in the image uploads the
 * records after each answer is sent, in batches, and what is left when the
 * environment shuts down; nothing captured reaches the function's logs.
 */
export interface DataCaptureArgs {
    /**
     * Percentage of the answered requests (and queued messages) to capture,
     * a number from 0 to 100. Defaults to 100.
     */
    samplingPercentage?: number;
    /** Capture what each request sent (its features or tensors). Defaults to true. */
    captureInputs?: boolean;
    /** Capture what the model answered. Defaults to true. */
    captureOutputs?: boolean;
    /**
     * An existing bucket to write the records to; the function may only put
     * objects under `prefix` in it. Defaults to none: a private, versioned,
     * encrypted, TLS-only bucket the component creates.
     */
    bucketName?: pulumi.Input<string>;
    /**
     * Key prefix of the records, ending with `/`: each environment writes
     * `<prefix>dt=YYYY-MM-DD/<version>-<writer>-<id>.jsonl`. Defaults to
     * `capture/`.
     */
    prefix?: string;
    /**
     * Most seconds records wait in the environment before they are uploaded
     * while requests keep arriving, an integer from 1 to 3600 (an idle
     * environment uploads when Lambda shuts it down). Fewer means fresher
     * data and more S3 PUTs. Defaults to 60.
     */
    maxBufferSeconds?: number;
}

/**
 * The EC2 capacity a Lambda Managed Instances function runs on, when the
 * component creates it (`computeType` `managedInstances` without
 * `capacityProviderArn`).
 */
export interface CapacityProviderArgs {
    /**
     * Subnets the instances are placed in (several Availability Zones: Lambda
     * starts three instances for resilience). They need a route to S3 and
     * CloudWatch Logs (a gateway endpoint, interface endpoints or NAT).
     * Required.
     */
    subnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Security groups of the instances. Required. */
    securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * EC2 instance types the instances may be, such as `["c7g.xlarge",
     * "m7g.xlarge"]` (of the function's `architecture`). Defaults to none
     * (Lambda chooses, which AWS recommends for availability).
     */
    allowedInstanceTypes?: string[];
    /**
     * EC2 instance types the instances may not be; not with
     * `allowedInstanceTypes`. Defaults to none.
     */
    excludedInstanceTypes?: string[];
    /**
     * Most vCPUs the capacity provider runs at once, a positive integer: the
     * ceiling of the bill. Required with `targetCpuUtilization`. Defaults to
     * none (Lambda's own ceiling).
     */
    maxVcpuCount?: number;
    /**
     * CPU utilisation (percent, 10 to 90) that scaling keeps the instances at
     * (manual scaling): lower leaves headroom for bursts. Defaults to none
     * (Lambda's automatic scaling).
     */
    targetCpuUtilization?: number;
}

/**
 * Batch transform: a Step Functions state machine whose Distributed Map reads
 * a CSV or JSON Lines data set from S3, hands it to the `live` alias in
 * batches and writes one output line per input row, in the input's order.
 */
export interface BatchTransformArgs {
    /**
     * The bucket holding the data sets to score; the state machine may read
     * nothing else. Required.
     */
    inputBucketName: pulumi.Input<string>;
    /**
     * Only keys under this prefix may be read (it ends with `/`). Defaults to
     * none (the whole bucket).
     */
    inputPrefix?: string;
    /**
     * Format of the data sets: `csv` (a header line, then one row per line)
     * or `jsonl` (one JSON row per line: an object keyed by feature name, a
     * list, or `{"features": [...]}`). Defaults to `csv`.
     */
    inputFormat?: string;
    /**
     * An existing bucket to write results to. Defaults to the component's
     * results bucket (shared with `asyncInference`).
     */
    outputBucketName?: pulumi.Input<string>;
    /**
     * Key prefix of the results, ending with `/`: each run writes
     * `<prefix><execution name>/part-<first row>.jsonl` and Step Functions'
     * own report under `<prefix>runs/`. Defaults to `batch/`.
     */
    outputPrefix?: string;
    /**
     * Rows per invocation, an integer from 1 to 1000 (the function's
     * `MAX_BATCH_ROWS`). Defaults to 500.
     */
    rowsPerBatch?: number;
    /**
     * Most bytes of rows per invocation, an integer from 1024 to 262144
     * (Step Functions' 256 KiB limit on a batch). Defaults to 204800.
     */
    maxBytesPerBatch?: number;
    /**
     * Batches scored at once, an integer from 1 to 10000. Defaults to 100.
     */
    maxConcurrency?: number;
    /**
     * Share of batches that may fail (after their retries) before the run
     * fails, from 0 to 100. Rows the model refuses are not failures: each gets
     * an error line. Defaults to 0.
     */
    toleratedFailurePercentage?: number;
    /**
     * Columns copied from each input row to its output line and never given to
     * the model, such as ids (at most 32). Defaults to none.
     */
    passthroughColumns?: string[];
}

/**
 * Arguments of an InferenceFunction. Every value that decides whether a
 * resource exists, or how the image is built, is a plain value so that the
 * resource graph is known at preview time in every Pulumi language.
 */
/** One model of a function with many (`models`): a local file, or an object already in S3. */
export interface ModelEntryArgs {
    /**
     * The model's name: its segment of the inference protocol's paths
     * (`/v2/models/{name}/infer`) and of the native `POST /models/{name}`,
     * and the `model` field that names it in a document. Letters, digits,
     * `.`, `_` and `-`, starting with a letter or digit, at most 128
     * characters. Required.
     */
    name: string;
    /**
     * Local model file with its signature (`model.json`) beside it, uploaded
     * under a key of its own (`models/<name>/<file name>`). Defaults to none
     * (then `modelKey` and `modelSha256` name an existing object).
     */
    modelPath?: string;
    /**
     * An existing object's bucket. Defaults to the function's model bucket.
     */
    modelBucketName?: pulumi.Input<string>;
    /**
     * An existing object's key, without `*` or `?`. Defaults to none.
     */
    modelKey?: pulumi.Input<string>;
    /**
     * An existing object's hex sha256, required with `modelKey`. Defaults to
     * none.
     */
    modelSha256?: pulumi.Input<string>;
}

export interface InferenceFunctionArgs {
    /**
     * Directory holding the Dockerfile and the Python app to build into the
     * Lambda image. Defaults to the app bundled with this package (its `app/`
     * folder, resolved from the package location, not the working directory).
     */
    appPath?: string;
    /**
     * Path of the Dockerfile, relative to `appPath`. Defaults to `Dockerfile`.
     */
    dockerfile?: string;
    /**
     * Build arguments passed to `docker build` (for example `BASE_IMAGE` to pin
     * the base image by digest). Defaults to none.
     */
    buildArgs?: { [key: string]: pulumi.Input<string> };
    /**
     * Stage of the Dockerfile to build. Defaults to the stage named after
     * `modelFormat` (`onnx` or `sklearn`), the runtime targets of the bundled
     * Dockerfile, with `-bundled` appended when `modelDelivery` is `image`;
     * give it when your own Dockerfile names its stages otherwise (a stage
     * that bundles the model must put it where the bundled Dockerfile does,
     * `/var/task/model/model.onnx` or `/var/task/model/model.joblib`).
     */
    buildTarget?: string;
    /**
     * Instruction set of the function: `x86_64` or `arm64`. The image is built
     * for exactly the matching platform (`linux/amd64` or `linux/arm64`).
     * Defaults to `x86_64`.
     */
    architecture?: string;
    /**
     * Local model file, uploaded to the model bucket (`modelDelivery` `s3`)
     * or built into the image (`image`). Its sha256 is computed at deploy time
     * and handed to the function as `MODEL_SHA256`. Its signature, the
     * `model.json` that `app/convert.py` writes beside it, must describe it
     * (its name and sha256): it gives the smoke test its sample, and a pickle
     * trained with another scikit-learn than the image's is refused. Required
     * unless `modelBucketName` and `modelKey` name an object that already
     * exists. Defaults to none.
     */
    modelPath?: string;
    /**
     * Where the function finds its model: `s3` (uploaded to the model
     * bucket; the function downloads that exact version at init, so a new
     * model rolls out without an image build; for models of any size up to
     * `ephemeralStorageSize`) or `image` (baked into the image as its last
     * layer from the build context `model`, the folder of `modelPath`: no
     * bucket, no S3 request at cold start, and a new model is a new image;
     * for models up to about 500 MB, 10 GB at most). Both verify the sha256
     * before loading. With `image`, `modelPath` is required and
     * `modelBucketName`, `modelKey` and `modelSha256` are not used. Defaults
     * to `s3`.
     */
    modelDelivery?: string;
    /**
     * How the model is stored, which decides the runtime that serves it:
     * `onnx` (a model converted by `app/convert.py`, served by ONNX Runtime:
     * the fast cold start, and nothing is unpickled) or `sklearn` (a joblib
     * pickle, served by scikit-learn, for models without an ONNX converter).
     * Picks the image target (unless `buildTarget` is given) and reaches the
     * function as `MODEL_FORMAT`. Defaults to what the model's file name says
     * (`modelPath`, else `modelKey`): `.onnx` is `onnx`; `.joblib`, `.pkl` and
     * `.pickle` are `sklearn`; any other name needs it set.
     */
    modelFormat?: string;
    /**
     * Object key of the model in the bucket, without `*` or `?` (the role's
     * read permission names it exactly). Defaults to
     * `models/<file name of modelPath>`.
     */
    modelKey?: pulumi.Input<string>;
    /**
     * Name of an existing bucket to keep the model in, instead of creating a
     * private one. The bucket's own settings are left as they are. Defaults
     * to none (a new private, versioned, encrypted, TLS-only bucket).
     */
    modelBucketName?: pulumi.Input<string>;
    /**
     * Hex sha256 of an existing model object, required when `modelPath` is
     * absent (the object is not uploaded by this component). Ignored when
     * `modelPath` is given: the checksum is then computed from the file.
     * Defaults to none.
     */
    modelSha256?: pulumi.Input<string>;
    /**
     * The model's name in the inference protocol's paths
     * (`/v2/models/{modelName}/infer`), passed to the function as
     * `MODEL_NAME`: letters, digits, `.`, `_` and `-`, starting with a letter
     * or digit, at most 128 characters. Defaults to the component's name.
     */
    modelName?: string;
    /**
     * Many models behind one function, instead of the single model's
     * arguments (`modelPath`, `modelKey`, `modelSha256`, `modelName`,
     * `modelDelivery`, `smokeTestEvent`): each served under its name, loaded
     * on its first request, verified by its sha256 and kept in memory under
     * `modelCacheBytes`; their list travels to the function as a manifest
     * object in the model bucket, verified like a model. Every model must
     * have the same format (the image serves one runtime). At most 100.
     * Defaults to none (one model).
     */
    models?: ModelEntryArgs[];
    /**
     * With `models`: the bytes of models kept in memory, the least recently
     * used evicted first (a model's bytes are its files' sizes). A positive
     * integer. Defaults to half of `memorySize`.
     */
    modelCacheBytes?: number;
    /**
     * With `models`: the names of the models loaded at init, before the
     * first request, rather than on their first request. Defaults to none.
     */
    preloadModels?: string[];
    /**
     * Memory of the function in MB, an integer from 128 to 10240 (from 2048
     * to 32768 with `computeType` `managedInstances`). CPU is allotted in
     * proportion. Defaults to 1024 (2048 with `managedInstances`).
     */
    memorySize?: number;
    /**
     * Timeout of one invocation in seconds, an integer from 1 to 900.
     * Defaults to 30.
     */
    timeout?: number;
    /**
     * Size of `/tmp` in MB, an integer from 512 to 10240; the model is
     * downloaded there, so it must fit. Defaults to 512.
     */
    ephemeralStorageSize?: number;
    /**
     * Concurrent executions reserved for (and capped at) this function, a
     * non-negative integer. Required with a public function URL
     * (`functionUrlAuthType` `NONE`). Defaults to none (the account's
     * unreserved pool).
     */
    reservedConcurrency?: number;
    /**
     * Number of pre-initialised environments, kept on the `live` alias (every
     * change publishes a version and the alias serves it). A positive integer.
     * Defaults to none (no provisioned concurrency).
     */
    provisionedConcurrency?: number;
    /**
     * Upper bound for scaling provisioned concurrency with load: above
     * `provisionedConcurrency` (the lower bound), Application Auto Scaling
     * tracks `provisionedConcurrencyTargetUtilization` on the alias. Needs
     * `provisionedConcurrency`; at most `reservedConcurrency` when that is
     * set. Defaults to none (a fixed provisioned concurrency).
     */
    provisionedConcurrencyMax?: number;
    /**
     * Utilisation of provisioned concurrency that autoscaling keeps (from 0.1
     * to 0.9): lower means more headroom for bursts and a higher bill. Only
     * with `provisionedConcurrencyMax`. Defaults to 0.7.
     */
    provisionedConcurrencyTargetUtilization?: number;
    /**
     * Where the function runs: `lambda` (Lambda's own fleet, billed per
     * request and duration) or `managedInstances` (Lambda Managed Instances:
     * EC2 capacity in your account that Lambda manages, billed at EC2 prices,
     * several requests per environment with one Python process each, up to
     * 32 GB, no cold starts as traffic grows within the capacity). Managed
     * instances need `pythonVersion` 3.13, a `memorySize` of at least 2048,
     * and `capacityProviderArn` or `capacityProvider`; provisioned
     * concurrency, SnapStart and the function's own VPC settings do not apply
     * to them. Defaults to `lambda`.
     */
    computeType?: string;
    /**
     * ARN of an existing Lambda capacity provider to run on, with
     * `computeType` `managedInstances`. Defaults to none (give
     * `capacityProvider` and the component creates one).
     */
    capacityProviderArn?: pulumi.Input<string>;
    /**
     * A capacity provider the component creates for this function (see
     * `CapacityProviderArgs`), with its operator role, with `computeType`
     * `managedInstances`. Defaults to none.
     */
    capacityProvider?: CapacityProviderArgs;
    /**
     * Most concurrent requests one execution environment takes (one Python
     * process each), an integer from 1 to 1600, with `computeType`
     * `managedInstances`. Defaults to Lambda's: 16 per vCPU for Python.
     */
    maxConcurrencyPerEnvironment?: number;
    /**
     * GiB of memory per vCPU of each execution environment, 2, 4 or 8, with
     * `computeType` `managedInstances`; Python's processes each hold the
     * model, so AWS advises 4 or 8. Defaults to Lambda's (2).
     */
    memoryGiBPerVcpu?: number;
    /**
     * The Python of the image's base (`public.ecr.aws/lambda/python:<version>`):
     * `3.12` or `3.13`. Managed instances need 3.13. A `BASE_IMAGE` in
     * `buildArgs` (pinned by digest) must be of the same version. Defaults to
     * `3.12`.
     */
    pythonVersion?: string;
    /**
     * Lambda SnapStart: each published version's init runs once, when it
     * is published, and every new environment is restored from a snapshot
     * of it, the model already fetched, verified and loaded. The app drops
     * its S3 clients before the snapshot and, after each restore, makes
     * them anew and reseeds its random sources. Not with
     * `provisionedConcurrency`, an `ephemeralStorageSize` above 512,
     * `computeType` `managedInstances`, or a `pythonVersion` other than
     * 3.12 or 3.13. A Dockerfile of your own must build on an AWS base
     * image for Python 3.12+ or carry the label
     * `com.amazonaws.lambda.feature.snapstart="Allow"` (a warning says so).
     * Defaults to false.
     */
    snapStart?: boolean;
    /**
     * How a new version reaches traffic. Every change publishes a version and
     * the alias `live` serves it. `AllAtOnce` moves the alias at once. A
     * gradual strategy, one of CodeDeploy's Lambda configurations
     * (`Canary10Percent5Minutes`, `Canary10Percent10Minutes`,
     * `Canary10Percent15Minutes`, `Canary10Percent30Minutes`,
     * `Linear10PercentEvery1Minute`, `Linear10PercentEvery2Minutes`,
     * `Linear10PercentEvery3Minutes`, `Linear10PercentEvery10Minutes`),
     * shifts traffic with CodeDeploy, which rolls back automatically on a
     * failure or when one of the component's alarms goes off; `pulumi up`
     * waits for the outcome and fails, naming the deployment and the alarm,
     * when it rolled back. The rollout runs on the deploying machine (Node.js
     * and AWS credentials in its environment, as for the AWS provider).
     * Gradual strategies need `enableAlarms`. Defaults to `AllAtOnce`.
     */
    deploymentStrategy?: string;
    /**
     * CloudWatch alarms: on the `live` alias, errors, throttles and p99
     * duration at 80% of the timeout; failed inits (a metric filter on the
     * app's "init failed" log line: checksum mismatches, unreadable models,
     * an init over its budget); and on each new version's own answers, any
     * 5xx and a 4xx share above `maxClientErrorRate` (Lambda counts only
     * unhandled exceptions as errors, and the app answers every request). A
     * gradual rollout rolls back on all six. About $1.00 a month. Defaults to
     * true.
     */
    enableAlarms?: boolean;
    /**
     * Where the alarms send their ALARM and OK notifications, such as SNS
     * topic ARNs. Defaults to none (the alarms only change state).
     */
    alarmActions?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * The share of a new version's answers that may be client errors (4xx) in
     * a minute, with at least 10 requests, before its alarm goes off: a model
     * that refuses what callers send (a changed feature count, say) is rolled
     * back like one that fails. A number from 0.01 to 1. Only with
     * `enableAlarms`. Defaults to 0.5.
     */
    maxClientErrorRate?: number;
    /**
     * CloudWatch namespace of the metrics the function writes in Embedded
     * Metric Format (request and model latency, rows, answers by status class,
     * cold starts; per version and per model). 1 to 255 letters, digits and
     * `. - _ / # :`, not starting with `AWS/`. Defaults to `LambdaInference`.
     */
    metricsNamespace?: string;
    /**
     * Capture a sample of requests and answers to S3 (see `DataCaptureArgs`);
     * adds the capture extension to the image. Defaults to none (off).
     */
    dataCapture?: DataCaptureArgs;
    /**
     * Seconds init may take to fetch, verify and load the model before it
     * gives up with "init failed" (the S3 download gets what is left, less a
     * tenth kept for loading). Lambda stops an on-demand init after 10 s and
     * retries it inside the first invoke, under the function's `timeout`; a
     * model that needs longer than about 9 s needs a budget that large and a
     * `timeout` above it (its first request then waits for init). An integer
     * from 1 to 900, at most `timeout`. Defaults to 9.
     */
    initBudgetSeconds?: number;
    /**
     * A CloudWatch dashboard of invocations, errors, throttles, duration p50
     * and p99, init duration, concurrency and provisioned-concurrency
     * utilisation, and of the app's own metrics per version: model latency
     * against request latency (p50, p90, p99), rows per minute (also per
     * model sha256), answers by status class and cold starts (about $3 a
     * month); its URL is the `dashboardUrl` output. Defaults to false.
     */
    enableDashboard?: boolean;
    /**
     * Send each newly published version a request before it gets any traffic;
     * the deploy fails, quoting the answer, unless the version answers with
     * success and the deployed model's sha256 prefix. Catches a model that
     * refuses what callers will send, a wrong `modelSha256`, an unreadable
     * object or a VPC without a route to S3, at deploy time. The request is
     * `smokeTestEvent`, else the sample in the model's signature (`model.json`
     * beside `modelPath`); a model adopted from a bucket has no signature, so
     * it is tested only with a `smokeTestEvent`. Defaults to true.
     */
    smokeTest?: boolean;
    /**
     * The JSON event the smoke test sends (such as `{"features": [5.1, 3.5,
     * 1.4, 0.2]}`), instead of the signature's sample. It must fit the model:
     * one whose rows have another length, or names the model does not have,
     * is refused before anything is deployed. Not used with `smokeTest`
     * false. Defaults to the sample in the model's signature.
     */
    smokeTestEvent?: pulumi.Input<string>;
    /**
     * Extra environment variables of the function, such as the app's
     * limits `MAX_BATCH_ROWS`, `MAX_BODY_BYTES` and `MAX_QUEUED_INPUT_BYTES`
     * (integers within the ranges the docs give). May
     * not set what the component owns (`MODEL_*`, `AWS_ENDPOINT_URL*`,
     * `AWS_REGION`, `AWS_DEFAULT_REGION`) nor what Lambda reserves. Defaults
     * to none.
     */
    environment?: { [key: string]: pulumi.Input<string> };
    /**
     * Days to keep the function's logs; one of CloudWatch's allowed values
     * (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096,
     * 1827, 2192, 2557, 2922, 3288, 3653). Defaults to 30.
     */
    logRetentionDays?: number;
    /**
     * Turn on active AWS X-Ray tracing (and grant the role the X-Ray write
     * actions). Defaults to false.
     */
    enableTracing?: boolean;
    /**
     * Give the function an HTTPS endpoint (a Lambda function URL). Defaults to
     * false.
     */
    enableFunctionUrl?: boolean;
    /**
     * Authentication of the function URL: `AWS_IAM` (callers sign requests
     * with SigV4 and need both `lambda:InvokeFunctionUrl` and
     * `lambda:InvokeFunction` on the function) or `NONE` (public; then
     * `reservedConcurrency` is required, so that anyone on the internet
     * cannot spend the account's whole concurrency and its bill). Only used
     * with `enableFunctionUrl`. Defaults to `AWS_IAM`.
     */
    functionUrlAuthType?: string;
    /**
     * Subnets to place the function in. Give both this and
     * `vpcSecurityGroupIds`, or neither. The subnets need a route to S3 (a
     * gateway endpoint or NAT) to reach the model. A list or an Output of one
     * (such as `awsx.ec2.Vpc`'s `privateSubnetIds`). Defaults to none (no VPC).
     */
    vpcSubnetIds?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Security groups of the function's network interfaces. Give both this
     * and `vpcSubnetIds`, or neither. Defaults to none (no VPC).
     */
    vpcSecurityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * Number of newest images the ECR lifecycle policy keeps, an integer from
     * 1 to 1000; older ones expire (the build cache is kept apart). Every
     * deploy publishes a version that runs its own image by digest, and a
     * version whose image expired can no longer start: this is how many
     * deploys back you can roll back to (the images themselves are never
     * deleted by a replaced build, only by this policy). At least 2 with a
     * gradual `deploymentStrategy`, which serves the old version until the
     * shift completes. Defaults to 10.
     */
    keepImages?: number;
    /**
     * Let `pulumi destroy` delete the model bucket and the image repository
     * even when they still hold objects or images. Defaults to false.
     */
    forceDestroy?: boolean;
    /**
     * ARN of a customer-managed KMS key (`arn:aws:kms:<region>:<account>:key/<id>`)
     * to encrypt with instead of AWS-owned keys: the model bucket (SSE-KMS),
     * the ECR repository, the log group and the function's environment use
     * it, and the role may `kms:Decrypt` with it (and only it). Give it too
     * when an adopted bucket encrypts with its own KMS key. The key policy
     * must let CloudWatch Logs (`logs.<region>.amazonaws.com`) use the key.
     * Changing it replaces the repository. Defaults to none (AWS-managed
     * encryption).
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * ARN of an IAM policy that bounds the function role's permissions
     * (organisations that require one on every role). Defaults to none.
     */
    permissionsBoundary?: pulumi.Input<string>;
    /**
     * Path of the function's role, such as `/service-roles/lambda/`: starts
     * and ends with `/`. Defaults to `/`.
     */
    rolePath?: string;
    /**
     * Queued inference through SQS, with results in S3 (see
     * `AsyncInferenceArgs`). Defaults to none.
     */
    asyncInference?: AsyncInferenceArgs;
    /**
     * Batch transform of data sets in S3 with Step Functions (see
     * `BatchTransformArgs`). Defaults to none.
     */
    batchTransform?: BatchTransformArgs;
    /**
     * Tags applied to every taggable resource the component creates. Defaults
     * to none.
     */
    tags?: { [key: string]: pulumi.Input<string> };
}
