import { InferenceFunction } from "lambda-inference";

// A model trained on a pandas DataFrame of 13 wine measurements and converted to ONNX by app/convert.py,
// which wrote its signature (model/model.json) beside it: its feature names, and a sample of rows. No smoke
// event is written here: each new version must answer that sample, named features and all, before traffic.
const wine = new InferenceFunction("wine", {
    modelPath: "model/model.onnx",
    enableFunctionUrl: true,
    tags: { team: "data-science" },
});

export const functionName = wine.functionName;
export const aliasArn = wine.aliasArn;
export const functionUrl = wine.functionUrl;
export const region = wine.functionArn.apply((arn) => arn.split(":")[3]);
