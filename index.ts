// Entry point for Pulumi's source-based package analyzer (`pulumi package add`),
// which looks for an index.ts at the package root. npm consumers get bin/components/index.js.
export * from "./components";
