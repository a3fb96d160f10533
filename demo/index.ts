// The root Pulumi program: deploys the bundled app with its demo model.
// `pulumi up` here; `npm run plan` runs it offline under mocks.
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "../components";

const config = new pulumi.Config();

const inference = new InferenceFunction("inference", {
    // The iris pipeline converted to ONNX (app/convert.py): served by ONNX Runtime, nothing unpickled.
    modelPath: path.join(__dirname, "..", "app", "model", "model.onnx"),
    architecture: config.get("architecture") ?? "x86_64",
    modelDelivery: config.get("modelDelivery") ?? "s3",
    enableFunctionUrl: config.getBoolean("enableFunctionUrl") ?? true,
    // Every new version answers the bundled sample event, with the deployed model, before it gets traffic.
    smokeTestEvent: fs.readFileSync(path.join(__dirname, "..", "app", "events", "direct.json"), "utf8"),
    deploymentStrategy: config.get("deploymentStrategy") ?? "AllAtOnce",
    alarmActions: config.get("alarmTopicArn") ? [config.require("alarmTopicArn")] : undefined,
    tags: { project: "lambda-inference-demo" },
});

export const functionName = inference.functionName;
export const functionArn = inference.functionArn;
export const aliasArn = inference.aliasArn;
export const functionVersion = inference.functionVersion;
export const functionUrl = inference.functionUrl;
export const imageUri = inference.imageUri;
export const modelBucketName = inference.modelBucketName;
export const modelKey = inference.modelKey;
export const modelVersionId = inference.modelVersionId;
export const logGroupName = inference.logGroupName;
