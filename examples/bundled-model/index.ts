import { InferenceFunction } from "lambda-inference";

// The model is the image's last layer (from the build context `model`, its
// folder): no bucket, no S3 request on the cold path. A new model file is a new
// image digest, so it rolls out like a new image; code and dependency layers
// stay cached. The function still checks the file against MODEL_SHA256.
const bundled = new InferenceFunction("bundled", {
    modelPath: "../../app/model/model.onnx",
    modelDelivery: "image",
    architecture: "arm64",
    memorySize: 1024,
    enableFunctionUrl: true,
});

export const functionName = bundled.functionName;
export const functionUrl = bundled.functionUrl;
export const imageUri = bundled.imageUri; // changes with every new model
