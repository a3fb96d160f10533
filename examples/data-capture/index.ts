import * as path from "path";
import { InferenceFunction } from "lambda-inference";

// A tenth of the answered requests, inputs and outputs, in a bucket of the component's own, uploaded at
// least every five minutes while requests arrive; the dashboard shows the model's own metrics.
const scorer = new InferenceFunction("scorer", {
    modelPath: path.join(__dirname, "..", "..", "app", "model", "model.onnx"),
    enableDashboard: true,
    dataCapture: { samplingPercentage: 10, maxBufferSeconds: 300 },
});

export const dataCaptureUri = scorer.dataCaptureUri;
export const dashboardUrl = scorer.dashboardUrl;
export const functionName = scorer.functionName;
