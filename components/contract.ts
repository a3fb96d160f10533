// The contract between the component, the app and the Dockerfile, read from the one file all three share
// (app/inference/contract.json): the environment the app reads, the model formats and where the image puts
// each model, the handler, the log messages the alarms filter on and the error codes.
import * as fs from "fs";
import * as path from "path";

export interface FormatContract {
    /** File extensions that tell this format when `modelFormat` is not given. */
    extensions: string[];
    /** The library the image must have to serve it. */
    library: string;
    /** The app's module that wraps that library. */
    module: string;
    /** True when loading the file runs code (a pickle): it is never loaded unverified. */
    pickled: boolean;
    /** Where the `<format>-bundled` targets put the model. */
    pathInImage: string;
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
        };
        /** Settings the component gives the function from its own arguments. */
        settings: { metricsNamespace: string; initBudgetSeconds: string; modelName: string };
        /** Where queued and batch results go, and what queued messages may read. */
        jobs: { asyncOutputUri: string; asyncInputPrefixes: string; batchOutputUri: string };
        /** What data capture keeps and where it sends it. */
        capture: { uri: string; samplingPercentage: string; content: string; dir: string; maxSeconds: string };
        s3: string[];
        /** What Lambda sets and the app reads. */
        lambda: string[];
        /** What Lambda sets for an extension (data capture's). */
        extensions: string[];
        /** Settings users may give through `environment`, with the app's defaults. */
        limits: { [name: string]: number };
    };
    defaults: { metricsNamespace: string; initBudgetSeconds: number; modelName: string };
    /** What a model name may be: it is a segment of the inference protocol's paths. */
    modelNamePattern: string;
    /** The inference protocol's server metadata. */
    server: { name: string; version: string; extensions: string[] };
    formats: { [format: string]: FormatContract };
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
    /** Data capture's extension (its file name in /opt/extensions), the build argument that adds it, its spool. */
    capture: { extension: string; buildArg: string; spoolDir: string; partition: string };
    /** Every error code the app answers with, and its HTTP status. */
    errors: { [code: string]: number };
    /** The metrics' dimension names, and every metric with its unit. */
    metrics: { dimensions: { function: string; version: string; model: string }; units: { [name: string]: string } };
}

/** Both the sources (components/) and the compiled package (bin/) sit one level below the package root. */
export const CONTRACT_PATH = path.resolve(__dirname, "..", "app", "inference", "contract.json");

export const CONTRACT: Contract = JSON.parse(fs.readFileSync(CONTRACT_PATH, "utf8"));
