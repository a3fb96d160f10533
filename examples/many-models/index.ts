import { InferenceFunction } from "lambda-inference";

// Three models behind one function: each is uploaded under models/<name>/, listed in a manifest the function
// verifies at init, loaded on its first request and kept in memory while modelCacheBytes allows. Callers name
// the model: POST /models/iris, /v2/models/wine/infer, or {"model": "sentiment", ...} in a direct invoke.
// Each new version must answer every model's own sample before any traffic reaches it.
const models = new InferenceFunction("models", {
    models: [
        { name: "iris", modelPath: "../../app/model/model.onnx" },
        { name: "wine", modelPath: "../your-own-model/model/model.onnx" },
        { name: "sentiment", modelPath: "../text-classifier/model/model.onnx" },
    ],
    // The small tabular models are ready at the first request; the text model loads on its own first one.
    preloadModels: ["iris", "wine"],
    memorySize: 2048,
    enableFunctionUrl: true,
});

export const functionName = models.functionName;
export const functionUrl = models.functionUrl;
