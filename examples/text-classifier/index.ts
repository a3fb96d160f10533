import { InferenceFunction } from "lambda-inference";

// A transformer text classifier as an exporter writes it: model/model.onnx (input_ids, attention_mask,
// token_type_ids), with model/tokenizer.json and model/config.json (its id2label) beside it. Its signature
// (model/model.json, written by `lambda-inference describe`) hashes all three; each is uploaded beside the
// model, the role may read exactly those objects, and the function verifies each at init. The image gets the
// text stage (the tokenizers library, a few MB on top of ONNX Runtime), never PyTorch.
const sentiment = new InferenceFunction("sentiment", {
    modelPath: "model/model.onnx",
    // A transformer needs more memory than a tabular model: ONNX Runtime holds the weights and the
    // activations of the longest text in a request (about 3x the model's file size for a BERT-base).
    memorySize: 2048,
    enableFunctionUrl: true,
});

export const functionName = sentiment.functionName;
export const functionUrl = sentiment.functionUrl;
