import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "lambda-inference";

const config = new pulumi.Config();

// Your own model file; its sha256 is computed at deploy time and checked by the function.
const classifier = new InferenceFunction("classifier", {
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
