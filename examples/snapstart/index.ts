import * as path from "path";
import { InferenceFunction } from "lambda-inference";

// Each published version's init (the model fetched from S3, verified by its sha256 and loaded) runs once,
// when the version is published; every cold start after that restores a snapshot taken after init.
const scorer = new InferenceFunction("scorer", {
    modelPath: path.join(__dirname, "..", "..", "app", "model", "model.onnx"),
    snapStart: true,
    // The snapshot holds /tmp, which SnapStart keeps to 512 MB (the default).
    ephemeralStorageSize: 512,
    enableFunctionUrl: true,
});

export const functionName = scorer.functionName;
export const functionUrl = scorer.functionUrl;
