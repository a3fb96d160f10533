export { InferenceFunction } from "./inferenceFunction";
export { InferenceFunctionArgs } from "./args";
