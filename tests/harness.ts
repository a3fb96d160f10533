import * as assert from "assert";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import { spawnSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction, InferenceFunctionArgs } from "../components";
import { sha256File } from "../components/sha256";
import { mocks, one, settle } from "./mocks";

export const FIXTURE_MODEL = path.join(__dirname, "fixtures", "model.joblib");
/** sha256sum tests/fixtures/model.joblib, computed once by hand. */
export const FIXTURE_SHA256 = "39305563f127eee2449e41b2d15b578e65c1d370bb1fbb2ddf6f237ba9b2234f";

/** The read policy of a model object: one per object, named from its bucket and key. */
export function modelReadName(bucket: string, key: string, name = "demo"): string {
    const id = crypto.createHash("sha256").update(`${bucket}\0${key}`).digest("hex").slice(0, 8);
    return `${name}-role-model-read-${id}`;
}
/** The fixture's, uploaded to the component's own bucket under the default key. */
export const FIXTURE_MODEL_READ = modelReadName("<the component's bucket>", "models/model.joblib");

/**
 * Writes the signature (model.json) beside a model file the tests make up, as app/convert.py would:
 * four generated feature names and a one-row sample, unless `fields` says otherwise.
 */
export function writeSignature(modelPath: string, fields: object = {}): string {
    const signature = {
        ...JSON.parse(fs.readFileSync(path.join(__dirname, "fixtures", "model.json"), "utf8")),
        file: path.basename(modelPath),
        format: /\.onnx$/.test(modelPath) ? "onnx" : "sklearn",
        sha256: sha256File(modelPath),
        ...fields,
    };
    const file = path.join(path.dirname(modelPath), "model.json");
    fs.writeFileSync(file, JSON.stringify(signature, null, 2));
    return file;
}

/** The settings the component always gives the function besides its model (defaults). */
export const FUNCTION_SETTINGS = { MODEL_NAME: "demo", METRICS_NAMESPACE: "LambdaInference", INIT_BUDGET_SECONDS: "9" };

/** Runs the component under the recording mocks and waits until every child has registered. */
export async function deploy(
    args: InferenceFunctionArgs = { modelPath: FIXTURE_MODEL },
    name = "demo",
    opts?: pulumi.ComponentResourceOptions,
): Promise<InferenceFunction> {
    mocks.reset();
    const component = new InferenceFunction(name, args, opts);
    await settle();
    return component;
}

/** Constructs the component, expecting one InputPropertiesError; returns it after checking nothing was registered. */
export async function rejected(args: InferenceFunctionArgs): Promise<pulumi.InputPropertiesError> {
    mocks.reset();
    let error: unknown;
    try {
        new InferenceFunction("demo", args);
    } catch (e) {
        error = e;
    }
    await settle();
    assert.ok(pulumi.InputPropertiesError.isInstance(error), `expected InputPropertiesError, got ${error}`);
    assert.deepStrictEqual(mocks.resources, [], "no resource may be registered");
    return error as pulumi.InputPropertiesError;
}

/** Each problem an InputPropertiesError names, as `propertyPath: reason`. */
export function reasonsOf(error: pulumi.InputPropertiesError): string[] {
    return error.errors.map((e) => `${e.propertyPath}: ${e.reason}`);
}

/** Deploys, recording the resource options the component gave each child (and itself), by name. */
export async function deployRecordingOptions(
    args: InferenceFunctionArgs = { modelPath: FIXTURE_MODEL },
): Promise<{ component: InferenceFunction; options: { [name: string]: pulumi.ResourceOptions } }> {
    const options: { [name: string]: pulumi.ResourceOptions } = {};
    const component = await deploy(args, "demo", {
        transformations: [
            (a) => {
                options[a.name] = a.opts;
                return undefined;
            },
        ],
    });
    return { component, options };
}

/** What tests/fixtures/failedDeploy.ts reports: the deploy's error and how many of each type were registered. */
export interface FailedDeploy {
    error: string | null;
    registered: { [type: string]: number };
}

/**
 * Runs a deploy that fails after some resources exist (tests/fixtures/failedDeploy.ts) in its own process: the
 * failed input leaves the Pulumi runtime with promises that never settle, which must not reach this one.
 * The process fails as a `pulumi up` program would (non-zero, Pulumi's leak report on stderr).
 */
export function runFailedDeploy(scenario: "upload" | "smoke" | "smoke-gradual"): FailedDeploy {
    const run = spawnSync(
        process.execPath,
        [
            require.resolve("ts-node/dist/bin"),
            "--transpile-only",
            path.join(__dirname, "fixtures", "failedDeploy.ts"),
            scenario,
        ],
        { encoding: "utf8", timeout: 60_000 },
    );
    return JSON.parse(run.stdout.trim().split("\n").pop()!);
}

/** The customer-managed key the tests give as `kmsKeyArn`. */
export const KMS_KEY = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** The document of one of the role's inline policies, by its resource name. */
export function rolePolicyOf(name: string): any {
    return JSON.parse(one("aws:iam/rolePolicy:RolePolicy", name).inputs.policy);
}

/** What makes a bucket private: every one the component creates has each of these, named after it. */
export const PRIVATE_BUCKET_SETTINGS = [
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketVersioning:BucketVersioning",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketPolicy:BucketPolicy",
];

/** The warnings `pulumi.log.warn` was given while `run` ran. */
export async function warningsOf(run: () => Promise<unknown>): Promise<string[]> {
    const warnings: string[] = [];
    const warn = pulumi.log.warn;
    pulumi.log.warn = (message: string) => {
        warnings.push(message);
        return Promise.resolve();
    };
    try {
        await run();
    } finally {
        pulumi.log.warn = warn;
    }
    return warnings;
}

/** A scratch folder for the model files tests make up; removed when the run ends. */
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "lambda-inference-test-models-"));
process.on("exit", () => fs.rmSync(scratch, { recursive: true, force: true }));

/** A model file of its own in a folder of its own, with a signature unless told otherwise. */
export function madeUpModel(name: string, fields?: object): string {
    const folder = fs.mkdtempSync(path.join(scratch, "model-"));
    const file = path.join(folder, name);
    fs.writeFileSync(file, `a model called ${name}`);
    if (fields !== undefined) {
        writeSignature(file, fields);
    }
    return file;
}

/** Deploying `modelPath` with `event` as the smoke event is refused, saying why it does not fit. */
export async function refusesEvent(modelPath: string, event: object, why: string): Promise<void> {
    const e = await rejected({ modelPath, smokeTestEvent: JSON.stringify(event) });
    assert.deepStrictEqual(e.errors, [
        {
            propertyPath: "smokeTestEvent",
            reason: `does not fit the model its signature describes (${why}): every deploy would fail its smoke test; leave it out to send the signature's own sample`,
        },
    ]);
}
