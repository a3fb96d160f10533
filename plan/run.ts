// Runs the root program (demo/index.ts) under the recording mocks: nothing is deployed, no credentials
// are needed, and every value AWS would compute is shown as such.
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { recordLinks } from "../mocking/links";
import { RecordingMocks, settle } from "../mocking/recordingMocks";
import { checks } from "./checks";
import { Plan } from "./types";

const ROOT = path.resolve(__dirname, "..");
const COMPUTED = (what: string) => `(known after deploy: ${what})`;

/** Runs demo/index.ts under mocks; every value AWS would compute is shown as such. */
export async function plan(delivery = "s3"): Promise<Plan> {
    const mocks = new RecordingMocks(COMPUTED);
    await pulumi.runtime.setMocks(mocks, "lambda-inference-demo", "plan", false);
    pulumi.runtime.setConfig("lambda-inference-demo:modelDelivery", delivery);
    recordLinks((link) => mocks.links.push(link));
    require(path.join(ROOT, "demo"));
    await settle();
    return { resources: mocks.resources, checks: checks(mocks.resources), links: mocks.links };
}
