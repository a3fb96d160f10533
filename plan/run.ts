// Runs the root program (demo/index.ts) under the recording mocks: nothing is deployed, no credentials
// are needed, and every value AWS would compute is shown as such.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { recordLinks } from "../mocking/links";
import { RecordingMocks, settle } from "../mocking/recordingMocks";
import { packageRoot } from "../components/packageRoot";
import { readSignature } from "../components/signature";
import { checks } from "./checks";
import { Plan } from "./types";

const ROOT = packageRoot();
const COMPUTED = (what: string) => `(known after deploy: ${what})`;

/** The model the root program deploys unless told otherwise. */
export const DEMO_MODEL = path.join(ROOT, "app", "model", "model.onnx");

/**
 * Runs demo/index.ts under mocks, with `modelPath` (default the demo model); every value AWS would
 * compute is shown as such. Bad arguments, such as a model without its signature, fail as the deploy
 * would, before anything is planned.
 */
export async function plan(delivery = "s3", modelPath = DEMO_MODEL): Promise<Plan> {
    const mocks = new RecordingMocks(COMPUTED);
    await pulumi.runtime.setMocks(mocks, "lambda-inference-demo", "plan", false);
    pulumi.runtime.setConfig("lambda-inference-demo:modelDelivery", delivery);
    pulumi.runtime.setConfig("lambda-inference-demo:modelPath", path.resolve(modelPath));
    recordLinks((link) => mocks.links.push(link));
    // The root program: demo/index.ts under ts-node, its compiled bin/demo/index.js in the package.
    require(path.join(__dirname, "..", "demo"));
    await settle();
    const read = readSignature(path.resolve(modelPath));
    if (!("signature" in read)) {
        throw new Error(`modelPath ${read.problem}`);
    }
    const model = { path: path.resolve(modelPath), signature: read.signature };
    return { model, resources: mocks.resources, checks: checks(mocks.resources), links: mocks.links };
}
