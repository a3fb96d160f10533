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
export async function plan(
    delivery = "s3",
    modelPath = DEMO_MODEL,
    models?: { name: string; modelPath: string }[],
): Promise<Plan> {
    const mocks = new RecordingMocks(COMPUTED);
    await pulumi.runtime.setMocks(mocks, "lambda-inference-demo", "plan", false);
    pulumi.runtime.setConfig("lambda-inference-demo:modelDelivery", delivery);
    pulumi.runtime.setConfig("lambda-inference-demo:modelPath", path.resolve(modelPath));
    if (models) {
        const resolved = models.map((m) => ({ name: m.name, modelPath: path.resolve(m.modelPath) }));
        pulumi.runtime.setConfig("lambda-inference-demo:models", JSON.stringify(resolved));
    }
    recordLinks((link) => mocks.links.push(link));
    // The root program: demo/index.ts under ts-node, its compiled bin/demo/index.js in the package.
    require(path.join(__dirname, "..", "demo"));
    await settle();
    const planned = (models ?? [{ name: "", modelPath }]).map(({ name, modelPath: file }) => {
        const read = readSignature(path.resolve(file));
        if (!("signature" in read)) {
            throw new Error(`${name ? `model ${name}: ` : ""}modelPath ${read.problem}`);
        }
        return { path: path.resolve(file), signature: read.signature, ...(name ? { name } : {}) };
    });
    return {
        model: planned[0],
        ...(models ? { models: planned } : {}),
        resources: mocks.resources,
        checks: checks(mocks.resources),
        links: mocks.links,
    };
}
