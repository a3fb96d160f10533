// The root Pulumi program: deploys the bundled app with its demo model.
// `pulumi up` here; `npm run plan` runs it offline under mocks.
import * as pulumi from "@pulumi/pulumi";
import { InferenceFunction } from "../components";
import { packagePath } from "../components/packageRoot";

const config = new pulumi.Config();

// Several models behind the function (`models`), when the config lists them: [{"name", "modelPath"}].
const models = config.getObject<{ name: string; modelPath: string }[]>("models");

const inference = new InferenceFunction("inference", {
    // By default the iris pipeline converted to ONNX (app/convert.py): served by ONNX Runtime, nothing
    // unpickled. Each new version answers the sample in the model's signature (model.json) before traffic.
    ...(models
        ? { models }
        : {
              modelPath: config.get("modelPath") || packagePath("app", "model", "model.onnx"),
              modelDelivery: config.get("modelDelivery") ?? "s3",
          }),
    architecture: config.get("architecture") ?? "x86_64",
    enableFunctionUrl: config.getBoolean("enableFunctionUrl") ?? true,
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
