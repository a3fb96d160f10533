import * as fs from "fs";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "lambda-inference";

const config = new pulumi.Config();

// Your own model file; its sha256 is computed at deploy time and checked by the function.
const classifier = new InferenceFunction("classifier", {
    // Every new version must answer the bundled sample event with this model before it gets traffic.
    smokeTestEvent: fs.readFileSync("../../app/events/direct.json", "utf8"),
    modelPath: config.require("modelPath"),
    architecture: "arm64",
    memorySize: 2048,
    timeout: 15,
    environment: { MAX_BATCH_ROWS: "500" },
    tags: { team: "ml-platform" },
});

export const functionName = classifier.functionName;
export const functionArn = classifier.functionArn;
export const imageUri = classifier.imageUri;
export const modelVersionId = classifier.modelVersionId;
