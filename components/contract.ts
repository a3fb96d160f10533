// The contract between the component, the app and the Dockerfile, read from the one file all three share
// (app/inference/contract.json), always by key: the environment the app reads, its limits and settings with
// their defaults and ranges, the model formats (where the image puts each, the library each serves), the
// handler, the log messages the alarms filter on, the error codes, and the shapes of the batch transform's
// items and the queue's messages.
import * as fs from "fs";
import * as path from "path";
import { packagePath } from "./packageRoot";

export interface FormatContract {
    /** File extensions that tell this format when `modelFormat` is not given. */
    extensions: string[];
    /** The library the image must have to serve it. */
    library: string;
    /** The app's runtime module (under `inference/runtimes/`) that wraps that library. */
    module: string;
    /** True when loading the file runs code (a pickle): it is never loaded unverified. */
    pickled: boolean;
    /** Where the `<format>-bundled` targets put the model. */
    pathInImage: string;
    /** The libraries, with their versions, the image's target for this format serves models with. */
    serves: { [library: string]: string };
}

/** A setting's default and the closed range it must lie in. */
export interface Range {
    default: number;
    min: number;
    max: number;
}

/** A limit on one request, settable through `environment` within its range. */
export interface LimitContract extends Range {
    /** The environment variable that sets it. */
    name: string;
}

export interface Contract {
    environment: {
        model: {
            bucket: string;
            key: string;
            versionId: string;
            sha256: string;
            format: string;
            path: string;
            cacheDir: string;
            files: string;
            /** Where a function with many models finds their manifest (its bucket, key, version and sha256). */
            manifest: string;
        };
        /** A function with many models: their memory budget, and those loaded at init. */
        repository: { cacheBytes: string; preload: string };
        /** Settings the component gives the function from its own arguments. */
        settings: { metricsNamespace: string; initBudgetSeconds: string; modelName: string };
        /** Where queued and batch results go, and what queued messages may read. */
        jobs: { asyncOutputUri: string; asyncInputPrefixes: string; batchOutputUri: string };
        /** What data capture keeps and where it sends it. */
        capture: { uri: string; samplingPercentage: string; content: string; dir: string; maxSeconds: string };
        /** What points the app's S3 client at its API and region. */
        s3: { endpoint: string; endpointS3: string; endpointSfn: string; region: string; defaultRegion: string };
        text: { pooling: string; normalize: string };
        /** What Lambda sets and the app reads. */
        lambda: {
            functionName: string;
            functionVersion: string;
            memorySize: string;
            maxConcurrency: string;
            initializationType: string;
        };
        /** What Lambda sets for an extension (data capture's). */
        extensions: { runtimeApi: string };
        /** Limits users may set through `environment`, each with its variable, default and range. */
        limits: { maxBatchRows: LimitContract; maxBodyBytes: LimitContract; maxQueuedInputBytes: LimitContract };
    };
    settings: {
        initBudgetSeconds: Range;
        metricsNamespace: { default: string; pattern: string; reservedPrefixes: string[] };
        /** What a model name may be: it is a segment of the inference protocol's paths. */
        modelName: { default: string; pattern: string };
    };
    formats: { [format: string]: FormatContract };
    /** What a signature's features may be (their types) and how rows reach a model (its layouts). */
    signature: { featureTypes: string[]; layouts: string[]; textTasks: string[]; pooling: string[] };
    /** The keys of the native format (one row, a batch) and of the inference protocol's requests. */
    requests: { native: { oneRow: string; manyRows: string }; protocol: { inputs: string; outputs: string } };
    handler: string;
    logMessages: {
        initFailed: string;
        modelLoaded: string;
        request: string;
        predictionFailed: string;
        messageFailed: string;
        batchFailed: string;
        memoryWarning: string;
        captureFailed: string;
    };
    /** Every error code the app answers with, and its HTTP status. */
    errors: { [code: string]: number };
    /** The metrics' dimension names, and every metric with its unit. */
    metrics: {
        dimensions: { function: string; version: string; model: string; modelName: string; initType: string };
        units: { [name: string]: string };
    };
    /** Lambda's own limits on a payload, synchronous (6 MB) and asynchronous (1 MiB, SQS's too). */
    lambda: { maxSyncPayloadBytes: number; maxAsyncPayloadBytes: number };
    /** Many models behind one function: the most it takes, and the memory share their budget defaults to. */
    repository: { maxModels: number; cacheShareOfMemory: number };
    /** The inference protocol's server metadata. */
    server: { name: string; version: string; extensions: string[] };
    /** Data capture's extension (its file name in /opt/extensions), the build argument that adds it, its spool. */
    capture: {
        extension: string;
        buildArg: string;
        spoolDir: string;
        partition: string;
        socket: string;
        contents: string[];
        samplingPercentage: Range;
        maxBufferSeconds: Range;
        prefix: { default: string };
    };
    /** The batch transform's item wrapper, the state machine's BatchInput, an output line. */
    batch: {
        item: { index: string; row: string; error: string };
        input: { outputUri: string; passthroughColumns: string; executionArn: string; model: string };
        maxPassthroughColumns: number;
        line: { row: string; prediction: string; probabilities: string; error: string; message: string };
    };
    /** A queued message's body, and what its id may be (it names its result's object). */
    queue: { message: { id: string; input: string; output: string; location: string }; idPattern: string };
}

/** Both the sources (components/) and the compiled package (bin/) sit one level below the package root. */
export const CONTRACT_PATH = packagePath("app", "inference", "contract.json");

export const CONTRACT: Contract = JSON.parse(fs.readFileSync(CONTRACT_PATH, "utf8"));

/**
 * The contract of an app folder: the bundled app's, or the one an own `appPath` carries; undefined when an
 * own app has none (its image then says nothing the component can check against).
 */
export function contractOf(appPath: string): Contract | undefined {
    const file = path.join(appPath, "inference", "contract.json");
    if (path.resolve(file) === CONTRACT_PATH) {
        return CONTRACT;
    }
    try {
        return JSON.parse(fs.readFileSync(file, "utf8"));
    } catch {
        return undefined;
    }
}
