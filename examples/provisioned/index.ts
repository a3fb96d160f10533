import { InferenceFunction } from "lambda-inference";

// Two environments kept initialised (model downloaded, verified, loaded):
// no cold starts for up to two concurrent requests. Every deploy publishes a
// version and moves the `live` alias, so a new model rolls out as a new version.
const steady = new InferenceFunction("steady", {
    modelPath: "../../app/model/model.onnx",
    provisionedConcurrency: 2,
    // Scales provisioned concurrency between 2 and 8 to keep about 70% of it busy.
    provisionedConcurrencyMax: 8,
    reservedConcurrency: 10,
    enableFunctionUrl: true,
});

export const functionName = steady.functionName;
export const functionUrl = steady.functionUrl; // serves the `live` alias
