export { InferenceFunction } from "./inferenceFunction";
export type { InferenceFunctionArgs } from "./args";
